import Rendering
import Testing

@Suite struct BitmapFontTests {
    static let printable: [Character] = (32...126).map { Character(Unicode.Scalar(UInt8($0))) }

    @Test func everyPrintableASCIICharacterHasAWellFormedGlyph() {
        for ch in Self.printable {
            #expect(BitmapFont.hasGlyph(ch), "no glyph for '\(ch)'")
            let rows = BitmapFont.glyph(for: ch)
            #expect(rows.count == BitmapFont.ascent + BitmapFont.descent, "'\(ch)' has \(rows.count) rows")
            #expect(rows.allSatisfy { $0.count == BitmapFont.glyphWidth }, "'\(ch)' has a row not 5 wide")
            let ink = rows.joined().filter { $0 }.count
            #expect(ch == " " ? ink == 0 : ink > 0, "'\(ch)' ink \(ink)")
        }
    }

    @Test func glyphsAreDistinct() {
        var seen: [[[Bool]]: Character] = [:]
        for ch in Self.printable {
            let g = BitmapFont.glyph(for: ch)
            if let other = seen[g] { Issue.record("'\(ch)' and '\(other)' share a glyph") }
            seen[g] = ch
        }
    }

    @Test func descendersOnlyWhereExpected() {
        let descending: Set<Character> = ["g", "j", "p", "q", "y", ",", ";", "_", "|"]
        for ch in Self.printable {
            let rows = BitmapFont.glyph(for: ch)
            let below = rows[BitmapFont.ascent...].joined().contains(true)
            #expect(below == descending.contains(ch), "'\(ch)' descender \(below)")
        }
    }

    @Test func unknownCharactersDrawAsABoxAndDashesSubstitute() {
        #expect(!BitmapFont.hasGlyph("\u{4E2D}"))
        #expect(BitmapFont.glyph(for: "\u{4E2D}") != BitmapFont.glyph(for: " "))
        #expect(BitmapFont.glyph(for: "–") == BitmapFont.glyph(for: "-"))
        #expect(BitmapFont.hasGlyph("µ"))
    }

    @Test func drawTextPlacesGlyphPixelsAtScale() throws {
        var c = try Canvas(width: 30, height: 20)
        let w = c.drawText("T", x: 2, y: 3, scale: 2, color: .black)
        #expect(w == 10)  // one glyph: (6 − 1) font px × 2
        // "T": top row all ink (5 font px → 10 px at scale 2), then a 2-px stem in the middle column.
        for x in 2..<12 { #expect(c.pixel(x: x, y: 3) == .black && c.pixel(x: x, y: 4) == .black) }
        #expect(c.pixel(x: 12, y: 3) == .white)
        #expect(c.pixel(x: 6, y: 10) == .black && c.pixel(x: 7, y: 10) == .black)
        #expect(c.pixel(x: 5, y: 10) == .white && c.pixel(x: 8, y: 10) == .white)
        #expect(c.pixel(x: 6, y: 17) == .white)  // below the 7-row cap height
    }
}
