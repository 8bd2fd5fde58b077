import CordialFuzz
import Foundation

#if CORDIAL_FUZZ
// Built by `make fuzz` with -sanitize=fuzzer. SwiftPM names an executable's entry point
// itself (so libFuzzer's own main is not used): ours hands libFuzzer the command line.
// The target comes from CORDIAL_FUZZ_TARGET (one binary, six targets: one build).

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafeRawPointer?, Int) -> CInt
) -> CInt

@main struct FuzzDriver {
    static func main() {
        _ = target
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
    }
}

let target: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["CORDIAL_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        FileHandle.standardError.write(Data("cordial-fuzz: set CORDIAL_FUZZ_TARGET to one of \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
        exit(2)
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = start.map { Array(UnsafeRawBufferPointer(start: $0, count: count)) } ?? []
    if let violation = target.run(bytes) { fatalError("\(target.rawValue): \(violation)") }
    return 0
}
#else
/// Without the fuzzer: `cordial-fuzz TARGET FILE...` runs files (a corpus, a crash the fuzzer
/// kept) through a target and says what did not hold.
@main struct FuzzReplay {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
            print("usage: cordial-fuzz TARGET FILE... (targets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")))")
            exit(2)
        }
        var failed = 0
        for path in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                print("\(path): cannot be read")
                failed += 1
                continue
            }
            if let violation = target.run(Array(data)) {
                print("\(path): \(violation)")
                failed += 1
            }
        }
        exit(failed == 0 ? 0 : 1)
    }
}
#endif
