import XCTest

@testable import WorkbenchExperiments

final class TerminalTextTests: XCTestCase {
    func testControlCharactersAreEscaped() {
        XCTAssertEqual(TerminalText.escaped("plain name"), "plain name")
        XCTAssertEqual(TerminalText.escaped("a\nb\tc\r"), "a\\nb\\tc\\r")
        XCTAssertEqual(TerminalText.escaped("\u{1B}[31mred\u{7F}\u{0}"), "\\x1B[31mred\\x7F\\x00")
        XCTAssertEqual(TerminalText.escaped("\u{9B}x\u{2028}\u{202E}evil"), "\\x9Bx\\u{2028}\\u{202E}evil")
        XCTAssertEqual(TerminalText.escaped("déjà vu 日本 🙂"), "déjà vu 日本 🙂")
    }

    func testWidthCountsColumnsNotBytesOrScalars() {
        XCTAssertEqual(TerminalText.width("abc"), 3)
        XCTAssertEqual(TerminalText.width("e\u{301}té"), 3)  // a combining accent takes no column
        XCTAssertEqual(TerminalText.width("日本語"), 6)
        XCTAssertEqual(TerminalText.width("🙂x"), 3)
        XCTAssertEqual(TerminalText.width("👩‍👩‍👧"), 2)  // one grapheme cluster
        XCTAssertEqual(TerminalText.padded("日本", to: 6), "日本  ")
        XCTAssertEqual(TerminalText.padded("toolong", to: 3), "toolong")
    }
}
