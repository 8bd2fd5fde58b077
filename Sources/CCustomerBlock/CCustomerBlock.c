/* CCustomerBlock is a header; SwiftPM needs one source file in a C target. */
