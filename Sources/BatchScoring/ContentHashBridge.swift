import ContentHash
import Foundation

/// SHA-256 of bytes (ContentHash), for the module's own identities.
enum ContentHashBridge {
    static func hex(_ data: Data) -> String { SHA256Digest.hex(of: data) }
}
