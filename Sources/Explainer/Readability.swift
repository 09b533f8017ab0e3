import Foundation

/// Reading-level measures for the patient voice.
///
/// The Flesch–Kincaid grade level is `0.39 × (words / sentences) + 11.8 × (syllables / words) − 15.59`
/// (Kincaid et al., 1975, US Navy research report 8-75). Syllables are counted with a vowel-group
/// heuristic (silent final *e*, *-le*, *-ed* and *-es* endings), good to about ±1 syllable on hard words,
/// which moves the grade of a paragraph by a few tenths.
public enum Readability {
    /// Flesch–Kincaid grade level of `text` (0 for text without words).
    public static func fleschKincaidGrade(_ text: String) -> Double {
        let words = self.words(text)
        guard !words.isEmpty else { return 0 }
        let sentences = max(1, sentenceCount(text))
        let syllables = words.reduce(0) { $0 + syllableCount($1) }
        return 0.39 * Double(words.count) / Double(sentences) + 11.8 * Double(syllables) / Double(words.count)
            - 15.59
    }

    /// Words: runs of letters (with inner apostrophes or hyphens split into parts); numbers count as words.
    public static func words(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        for ch in text {
            if ch.isLetter || ch.isNumber || (ch == "'" && !current.isEmpty) {
                current.append(ch)
            } else {
                if !current.isEmpty { result.append(current) }
                current = ""
            }
        }
        if !current.isEmpty { result.append(current) }
        return result.map { $0.hasSuffix("'") ? String($0.dropLast()) : $0 }.filter { !$0.isEmpty }
    }

    /// Sentences: runs ending in `.`, `!` or `?` (a final run without one counts too). A full stop between
    /// digits (`0.91`) does not end a sentence.
    public static func sentenceCount(_ text: String) -> Int {
        splitSentences(text).count
    }

    /// Splits `text` into sentences (trimmed, non-empty).
    public static func splitSentences(_ text: String) -> [String] {
        var sentences: [String] = []
        var current = ""
        let chars = Array(text)
        for (i, ch) in chars.enumerated() {
            current.append(ch)
            if ch == "." || ch == "!" || ch == "?" || ch == "\n" {
                let prevDigit = i > 0 && chars[i - 1].isNumber
                let nextDigit = i + 1 < chars.count && chars[i + 1].isNumber
                if ch == "." && prevDigit && nextDigit { continue }
                let trimmed = current.trimmingCharacters(in: .whitespacesAndNewlines)
                if trimmed.contains(where: { $0.isLetter || $0.isNumber }) { sentences.append(trimmed) }
                current = ""
            }
        }
        let trimmed = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.contains(where: { $0.isLetter || $0.isNumber }) { sentences.append(trimmed) }
        return sentences
    }

    /// Estimated syllables in one word (at least 1): vowel groups, less a silent final *e* (but not *-le*),
    /// a silent *-ed* or *-es*, plus one for a vowel pair usually said as two (*ia*, *io*, *ua*). A number
    /// counts as 2.
    public static func syllableCount(_ word: String) -> Int {
        let w = word.lowercased().filter { $0.isLetter }
        if w.isEmpty { return word.contains(where: \.isNumber) ? 2 : 1 }
        if w.count <= 3 { return 1 }
        let vowels: Set<Character> = ["a", "e", "i", "o", "u", "y"]
        let chars = Array(w)
        var count = 0
        var previousVowel = false
        for ch in chars {
            let vowel = vowels.contains(ch)
            if vowel && !previousVowel { count += 1 }
            previousVowel = vowel
        }
        // Silent endings.
        if w.hasSuffix("e") && !w.hasSuffix("le") && !w.hasSuffix("ee") && !w.hasSuffix("ye") { count -= 1 }
        if w.hasSuffix("ed"), chars.count > 3, !["t", "d"].contains(chars[chars.count - 3]) { count -= 1 }
        if w.hasSuffix("es"), chars.count > 3,
           !["s", "x", "z", "c", "g", "h"].contains(chars[chars.count - 3]) { count -= 1 }
        // Vowel pairs usually said as two syllables.
        for pair in ["ia", "io", "iu", "ua", "uo"] {
            guard let r = w.range(of: pair) else { continue }
            // "-tion", "-sion", "-cian", "-tial", "-sia" are said as one syllable.
            if pair.hasPrefix("i"), r.lowerBound > w.startIndex, "tcsg".contains(w[w.index(before: r.lowerBound)]) {
                continue
            }
            count += 1
            break
        }
        return max(1, count)
    }
}
