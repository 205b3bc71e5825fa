// zego-express addition: zego-server embedded in the library (zego_local_server_start / _stop),
// for demos, tests and LAN use. Pass `url` as ZegoEngineProfile.server.
import Foundation
#if canImport(ZegoExpressC)
import ZegoExpressC
#endif

public final class ZegoLocalServer {
    private var handle: OpaquePointer?
    /// "ws://127.0.0.1:PORT".
    public let url: String

    /// Starts a server on `listenAddress` ("127.0.0.1:0": a free port). `configJSON` nil = the
    /// development app (app id 1234567890, see README.md); otherwise zego-server's config document.
    public init(listenAddress: String = "127.0.0.1:0", configJSON: String? = nil) throws {
        var started: OpaquePointer?
        let code = withCStrings { strings -> zego_error in
            return zego_local_server_start(strings(listenAddress), strings(configJSON), &started)
        }
        guard code == 0, let server = started else { throw ZegoExpressError(errorCode: code) }
        handle = server
        url = swiftString(zego_local_server_url(server))
    }

    /// Stops the server (engines connected to it start reconnecting). Idempotent.
    public func stop() {
        guard let server = handle else { return }
        handle = nil
        _ = zego_local_server_stop(server)
    }

    deinit {
        stop()
    }
}
