import CCurl
import Foundation

/// Where letters are handed over: an SMTP server, its security and login. The password is
/// read from the environment by the command line (`CORDIAL_SMTP_PASSWORD`), never a flag.
public struct SMTPSettings: Sendable {
    public enum Security: String, Sendable, CaseIterable {
        /// Plain SMTP (a relay on the same machine or network).
        case none
        /// STARTTLS required: the session is upgraded to TLS before anything is sent.
        case starttls
        /// TLS from the first byte (SMTPS, usually port 465).
        case tls
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?
    /// Seconds for the whole hand-over of one letter.
    public var timeout: Int
    /// Trust this CA file instead of the system's (a private relay's certificate).
    public var caFile: String?

    public init(host: String, port: Int, security: Security = .starttls, username: String? = nil, password: String? = nil, timeout: Int = 60,
                caFile: String? = nil) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.timeout = timeout
        self.caFile = caFile
    }
}

/// Why a hand-over did not end in the server's acceptance. `uncertain`: the whole message
/// went out and no answer came back — the server may have accepted it.
public struct SMTPFailure: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case temporary, permanent, uncertain }
    public let kind: Kind
    /// The server's reply code (0 when none came).
    public let code: Int
    /// libcurl's reason, which names no address and no content.
    public let reason: String
    public var description: String { code > 0 ? "\(code) \(reason)" : reason }
}

/// Hands messages to an SMTP server through libcurl (STARTTLS or TLS, login), one message
/// per call, reusing the connection between calls. Used on one thread.
public final class SMTPSender {
    let settings: SMTPSettings
    private let handle: UnsafeMutableRawPointer

    public init(settings: SMTPSettings) throws {
        guard curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK, let handle = curl_easy_init() else {
            throw SMTPFailure(kind: .temporary, code: 0, reason: "libcurl could not start")
        }
        self.settings = settings
        self.handle = handle
    }

    deinit { curl_easy_cleanup(handle) }

    /// The message being read out by libcurl, and how far.
    private final class Upload {
        let bytes: [UInt8]
        var offset = 0
        init(_ text: String) { bytes = Array(text.utf8) }
    }

    /// Hands `message` (CRLF lines) to the server for `recipient`, from `sender` (the
    /// envelope's addresses, checked by ``EmailAddress``).
    public func send(_ message: String, from sender: String, to recipient: String) throws(SMTPFailure) {
        let upload = Upload(message)
        let scheme = settings.security == .tls ? "smtps" : "smtp"
        let host = settings.host.contains(":") ? "[\(settings.host)]" : settings.host
        curl_easy_reset(handle)
        let recipients: UnsafeMutablePointer<curl_slist>? = curl_slist_append(nil, "<\(recipient)>")
        defer { curl_slist_free_all(recipients) }
        _ = cordial_curl_set_string(handle, CURLOPT_URL, "\(scheme)://\(host):\(settings.port)/cordial")
        _ = cordial_curl_set_string(handle, CURLOPT_MAIL_FROM, "<\(sender)>")
        _ = cordial_curl_set_list(handle, CURLOPT_MAIL_RCPT, recipients)
        _ = cordial_curl_set_long(handle, CURLOPT_UPLOAD, 1)
        _ = cordial_curl_set_long(handle, CURLOPT_INFILESIZE, upload.bytes.count)
        _ = cordial_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = cordial_curl_set_long(handle, CURLOPT_TIMEOUT, settings.timeout)
        _ = cordial_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT, min(settings.timeout, 30))
        _ = cordial_curl_set_long(handle, CURLOPT_USE_SSL, settings.security == .starttls ? Int(CURLUSESSL_ALL.rawValue) : Int(CURLUSESSL_NONE.rawValue))
        if let username = settings.username { _ = cordial_curl_set_string(handle, CURLOPT_USERNAME, username) }
        if let password = settings.password { _ = cordial_curl_set_string(handle, CURLOPT_PASSWORD, password) }
        if let caFile = settings.caFile { _ = cordial_curl_set_string(handle, CURLOPT_CAINFO, caFile) }
        let context = Unmanaged.passUnretained(upload).toOpaque()
        _ = cordial_curl_set_pointer(handle, CURLOPT_READDATA, context)
        _ = cordial_curl_set_function(handle, CURLOPT_READFUNCTION) { buffer, size, count, context in
            guard let buffer, let context else { return 0 }
            let upload = Unmanaged<Upload>.fromOpaque(context).takeUnretainedValue()
            let length = min(size * count, upload.bytes.count - upload.offset)
            upload.bytes.withUnsafeBufferPointer { bytes in
                UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + upload.offset, byteCount: length)
            }
            upload.offset += length
            return length
        }
        let result = withExtendedLifetime(upload) { curl_easy_perform(handle) }
        guard result != CURLE_OK else { return }
        var code = 0
        _ = cordial_curl_get_long(handle, CURLINFO_RESPONSE_CODE, &code)
        let reason = String(cString: curl_easy_strerror(result))
        let allSent = upload.offset == upload.bytes.count && !upload.bytes.isEmpty
        throw SMTPFailure(kind: Self.kind(result, code: code, allSent: allSent), code: code, reason: reason)
    }

    /// 4xx and failures to reach the server are temporary; 5xx permanent; the whole message
    /// sent with no final reply uncertain (the server may have taken it).
    static func kind(_ result: CURLcode, code: Int, allSent: Bool) -> SMTPFailure.Kind {
        if (400..<500).contains(code) { return .temporary }
        if (500..<600).contains(code) { return .permanent }
        if allSent { return .uncertain }
        switch result {
        case CURLE_LOGIN_DENIED, CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_USE_SSL_FAILED, CURLE_PEER_FAILED_VERIFICATION:
            return .permanent
        default:
            return .temporary
        }
    }
}
