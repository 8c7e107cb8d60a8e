extension String {
    /// Without C0 and C1 control characters: text from other people (a name, a comment) put into
    /// a terminal escape must not be able to end it and start another.
    var withoutControlCharacters: String {
        String(
            String.UnicodeScalarView(
                unicodeScalars.filter { $0.value >= 0x20 && !(0x7F..<0xA0).contains($0.value) }))
    }
}
