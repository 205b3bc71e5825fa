// Small helpers between Swift values and the C ABI's pointers (include/zego_express.h).
// The C declarations import without nullability annotations: pointers are `T!` at the top level
// and `T?` inside callback types, so every pointer is treated as possibly NULL here.
import Foundation
#if canImport(ZegoExpressC)
import ZegoExpressC  // absent when the wrapper is compiled with the bridging header instead
#endif

/// NUL-terminated copies of Swift strings for one C call; freed when this object goes away.
final class CStrings {
    private var copies: [UnsafeMutablePointer<CChar>] = []

    /// A C copy of `string` (NULL for nil), valid as long as this object lives.
    func callAsFunction(_ string: String?) -> UnsafePointer<CChar>? {
        guard let string = string, let copy = strdup(string) else { return nil }
        copies.append(copy)
        return UnsafePointer(copy)
    }

    deinit {
        for copy in copies { free(copy) }
    }
}

/// Runs `body` with a `CStrings` whose copies stay valid until `body` returns.
func withCStrings<R>(_ body: (CStrings) throws -> R) rethrows -> R {
    let strings = CStrings()
    return try withExtendedLifetime(strings) { try body(strings) }
}

/// Calls `body` with a pointer to a copy of `value`, or with NULL when `value` is nil.
func withPointer<T, R>(to value: T?, _ body: (UnsafePointer<T>?) throws -> R) rethrows -> R {
    guard var copy = value else { return try body(nil) }
    return try withUnsafePointer(to: &copy) { try body($0) }
}

/// A Swift copy of a C string; NULL is "".
func swiftString(_ cString: UnsafePointer<CChar>?) -> String {
    guard let cString = cString else { return "" }
    return String(cString: cString)
}

/// ZEGO's `extendedData`: the C ABI passes a JSON object; NULL or anything else is [:].
func extendedDictionary(_ json: UnsafePointer<CChar>?) -> [AnyHashable: Any] {
    guard let json = json,
          let data = String(cString: json).data(using: .utf8),
          let object = try? JSONSerialization.jsonObject(with: data, options: []),
          let dictionary = object as? [AnyHashable: Any] else { return [:] }
    return dictionary
}

/// Swift copies of the `count` C values at `list` (a C array the callback owns).
func swiftArray<C, T>(_ list: UnsafePointer<C>?, _ count: UInt32, _ transform: (C) -> T) -> [T] {
    guard let list = list, count > 0 else { return [] }
    return UnsafeBufferPointer(start: list, count: Int(count)).map(transform)
}

/// The library's English text for a ZEGO error code ("" for a code it does not know).
func errorMessage(_ errorCode: Int32) -> String {
    return swiftString(zego_get_error_message(errorCode))
}

/// A ZEGO error code as a Swift error (thrown where ZEGO's API has no event handler to report to).
public struct ZegoExpressError: Error, CustomStringConvertible {
    public let errorCode: Int32
    public var description: String { return "ZEGO error \(errorCode): \(errorMessage(errorCode))" }
}
