/// Fixed blocks of elements over a list of arrays (a network's parameters): the unit in which
/// element-wise work is shared out among threads. Blocks depend only on the arrays' sizes, and an
/// element's result only on its own values, so the result is the same whichever thread runs a block.
struct ElementBlocks {
    /// Elements per block: a multiple of 8 (whole SIMD8 lanes), large enough that taking a block
    /// costs little next to working through it.
    static let size = 4096

    /// (array index, element range), covering every array in order.
    private(set) var blocks: [(array: Int, elements: Range<Int>)] = []
    /// The sizes `blocks` cover.
    private(set) var counts: [Int] = []

    /// Makes `blocks` cover arrays of these sizes (rebuilt only when they change).
    mutating func cover(counts newCounts: some Collection<Int>) {
        if counts.elementsEqual(newCounts) { return }
        counts = Array(newCounts)
        blocks = []
        for (j, count) in counts.enumerated() {
            for start in stride(from: 0, to: count, by: Self.size) {
                blocks.append((j, start..<min(count, start + Self.size)))
            }
        }
    }
}
