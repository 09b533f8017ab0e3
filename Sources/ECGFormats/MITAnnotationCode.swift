// MIT/WFDB annotation codes and their symbols, as listed in PhysioNet's ecgcodes.h / the WFDB
// "Annotation codes" table (the same table wfdb-python exposes as `ann_label_table`). Facts, not code.

/// MIT annotation code table.
public enum MITAnnotationCode {
    /// (code, symbol, meaning) for the codes WFDB defines.
    public static let table: [(code: Int, symbol: String, meaning: String)] = [
        (1, "N", "Normal beat"), (2, "L", "Left bundle branch block beat"),
        (3, "R", "Right bundle branch block beat"), (4, "a", "Aberrated atrial premature beat"),
        (5, "V", "Premature ventricular contraction"), (6, "F", "Fusion of ventricular and normal beat"),
        (7, "J", "Nodal (junctional) premature beat"), (8, "A", "Atrial premature contraction"),
        (9, "S", "Premature or ectopic supraventricular beat"), (10, "E", "Ventricular escape beat"),
        (11, "j", "Nodal (junctional) escape beat"), (12, "/", "Paced beat"), (13, "Q", "Unclassifiable beat"),
        (14, "~", "Signal quality change"), (16, "|", "Isolated QRS-like artifact"), (18, "s", "ST change"),
        (19, "T", "T-wave change"), (20, "*", "Systole"), (21, "D", "Diastole"), (22, "\"", "Comment annotation"),
        (23, "=", "Measurement annotation"), (24, "p", "P-wave peak"), (25, "B", "Left or right bundle branch block"),
        (26, "^", "Non-conducted pacer spike"), (27, "t", "T-wave peak"), (28, "+", "Rhythm change"),
        (29, "u", "U-wave peak"), (30, "?", "Learning"), (31, "!", "Ventricular flutter wave"),
        (32, "[", "Start of ventricular flutter/fibrillation"), (33, "]", "End of ventricular flutter/fibrillation"),
        (34, "e", "Atrial escape beat"), (35, "n", "Supraventricular escape beat"),
        (36, "@", "Link to external data"), (37, "x", "Non-conducted P-wave (blocked APB)"),
        (38, "f", "Fusion of paced and normal beat"), (39, "(", "Waveform onset"), (40, ")", "Waveform end"),
        (41, "r", "R-on-T premature ventricular contraction"),
    ]
    /// Codes that denote beats (QRS complexes).
    public static let beatCodes: Set<Int> = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 25, 34, 35, 38, 41]

    static let bySymbol: [String: Int] = Dictionary(uniqueKeysWithValues: table.map { ($0.symbol, $0.code) })
    static let byCode: [Int: (String, String)] = Dictionary(uniqueKeysWithValues: table.map { ($0.code, ($0.symbol, $0.meaning)) })

    /// Symbol and meaning for a code; unknown codes get the symbol `"#<code>"` and no meaning.
    public static func symbol(for code: Int) -> (symbol: String, meaning: String?) {
        if let e = byCode[code] { return (e.0, e.1) }
        return ("#\(code)", nil)
    }
    /// The code for an MIT symbol, if defined.
    public static func code(for symbol: String) -> Int? { bySymbol[symbol] }
}
