import BatchScoring
import ECGFormats
import Foundation

extension ContentDigest {
    /// The files of the WFDB record whose header is `header`: the header, the signal files it names and
    /// `<record>.atr` when present. A header that does not parse counts alone (reading it will fail and
    /// be recorded with the reader's reason).
    public static func wfdbFiles(header: URL) -> [URL] {
        let folder = header.deletingLastPathComponent()
        var files = [header]
        guard let data = try? Data(contentsOf: header), let text = String(data: data, encoding: .utf8),
              let parsed = try? WFDBHeader.parse(text, file: header.lastPathComponent)
        else { return files }
        var seen = Set<String>()
        for signal in parsed.signals where seen.insert(signal.fileName).inserted && !signal.fileName.contains("/") {
            let url = folder.appendingPathComponent(signal.fileName)
            if FileManager.default.fileExists(atPath: url.path) { files.append(url) }
        }
        let atr = header.deletingPathExtension().appendingPathExtension("atr")
        if FileManager.default.fileExists(atPath: atr.path) { files.append(atr) }
        return files
    }
}
