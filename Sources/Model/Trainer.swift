import WorkbenchRandom

/// Runs training steps and evaluations on a network, bit-identically for any number of threads.
///
/// Determinism design: each batch is split into chunks of a FIXED size (`chunkSize`, independent of
/// the thread count). Chunk c always runs on replica c (own caches and gradients; parameter values
/// shared read-only with the master network during the step and let go before the optimizer writes
/// them), with dropout randomness derived from (seed, step, c). Worker threads only decide *when*
/// a chunk runs (each takes the next unstarted chunk), never what it computes. Chunk gradients are
/// then summed into the master gradients in chunk order and divided by the batch size, so 1, 2 or 8
/// threads produce the same bits. The batch loss is the sum of per-sample losses in sample order / N.
///
/// Batch normalisation: each chunk normalises with its own statistics (data-parallel BN without
/// synchronisation, as PyTorch's `DataParallel`), so results depend on `chunkSize` but not on the
/// thread count. The master's running statistics take each chunk's statistics in chunk order.
/// A trailing chunk of a single sample is folded into the chunk before it (so a dense batch norm
/// never sees a one-sample "batch"); which samples form a chunk still depends only on N and
/// `chunkSize`.
///
/// Threads: a `WorkerPool` kept for the trainer's life runs the chunks, then the gradient
/// reduction and the optimizer step, both shared out in fixed blocks of elements (`ElementBlocks`:
/// each element's result is the same whichever thread computes it).
///
/// Memory: training keeps one replica per chunk of the largest batch seen (batch 64, chunk 16: 4
/// replicas); evaluation works through any number of samples with at most 4·threads replicas.
public final class Trainer {
    /// The master network: optimizers update its parameters; evaluation and saving use it.
    public let network: Network
    /// Samples per chunk: the unit of work and of batch-norm statistics.
    public let chunkSize: Int
    /// Worker threads (1 = run chunks on the caller's thread).
    public let threads: Int
    /// Root of the dropout streams.
    public let random: SplitMix64
    /// Optimizer steps taken; part of every dropout stream's key. Set it when resuming a run.
    public var step: Int = 0
    /// Clip gradients to this global L2 norm before the optimizer step (nil = no clipping).
    public var maxGradientNorm: Float?

    /// Per-chunk replica and results. During the parallel phase each worker touches only the slots
    /// of the chunks it runs; the array itself is not mutated.
    private final class Chunk {
        let replica: Network
        let parameters: [Parameter]
        /// Parameters and buffers, in the order of the master's `values`.
        let values: [Parameter]
        var inputShape: [Int] = []
        var input = Tensor.empty
        var outputGradient = Tensor.empty
        var losses: [Float] = []
        var correct = 0

        init(replica: Network) {
            self.replica = replica
            parameters = replica.parameters
            values = parameters + replica.buffers
            // The master takes the chunks' batch statistics itself (`mergeBatchNormStatistics`).
            for case let batchNorm as BatchNorm in replica.layers { batchNorm.updatesRunningStatistics = false }
        }
    }

    private var slots: [Chunk] = []
    private lazy var masterParameters = network.parameters
    private lazy var masterValues = masterParameters + network.buffers
    /// The threads that run chunks and reduction blocks (started with the first parallel step).
    private lazy var pool = WorkerPool(threads: threads)
    /// Scratch for `reduceGradients`, kept to reuse its capacity: the blocks it shares out, and
    /// pointers to the master's and each chunk's gradients.
    private var reductionBlocks = ElementBlocks()
    private var masterGradients: [UnsafeMutablePointer<Float>] = []
    private var chunkGradients: [UnsafePointer<Float>] = []

    /// What one training step or evaluation measured.
    public struct BatchResult: Equatable, Sendable {
        /// Mean loss over the batch.
        public var loss: Float
        /// Samples whose largest output is at the label (first maximum on ties).
        public var correct: Int
        public var count: Int
        /// Global L2 gradient norm before clipping (training only).
        public var gradientNorm: Float?
    }

    public init(network: Network, threads: Int = 1, chunkSize: Int = 16, random: SplitMix64) {
        precondition(threads >= 1 && chunkSize >= 1, "Trainer needs threads ≥ 1 and chunkSize ≥ 1, got \(threads), \(chunkSize)")
        self.network = network
        self.threads = threads
        self.chunkSize = chunkSize
        self.random = random
    }

    /// Writes samples `samples` of a batch, as flat NCHW floats, to the buffer (which holds exactly
    /// those samples). Called from worker threads, for disjoint ranges, at the same time.
    public typealias BatchFill = (_ samples: Range<Int>, _ into: UnsafeMutableBufferPointer<Float>) -> Void

    /// One optimizer step on a batch of `labels.count` images given as flat NCHW floats: forward,
    /// loss, backward, optional clipping, optimizer step. Increments `step`.
    @discardableResult
    public func trainStep(images: [Float], labels: [Int], loss: Loss, optimizer: Optimizer,
                          learningRate: Float) -> BatchResult {
        precondition(images.count == labels.count * network.inputSize,
                     "trainStep: \(labels.count) labels need \(labels.count * network.inputSize) floats of \(network.inputShape), got \(images.count)")
        let size = network.inputSize
        return images.withUnsafeBufferPointer { images in
            trainStep(labels: labels, loss: loss, optimizer: optimizer, learningRate: learningRate) {
                Self.copy(images, sampleSize: size, samples: $0, into: $1)
            }
        }
    }

    /// `trainStep` on a batch whose images `fill` writes straight into each chunk's input, on the
    /// threads that run the chunks (so gathering a batch is parallel work, and is not copied twice).
    @discardableResult
    public func trainStep(labels: [Int], loss: Loss, optimizer: Optimizer, learningRate: Float,
                          fill: BatchFill) -> BatchResult {
        let n = labels.count
        precondition(n > 0, "trainStep needs a non-empty batch")
        let chunks = chunkCount(n)
        prepare(chunks: chunks)
        let step = self.step
        shareValues(slots: chunks)
        runChunks(chunks) { c in
            let slot = self.slots[c]
            for parameter in slot.parameters { parameter.zeroGrad() }
            let context = ForwardContext(
                training: true, random: self.random.derived(RandomStream.dropout.rawValue, UInt64(step), UInt64(c)))
            self.runForward(slot: c, samples: self.chunkRange(c, of: n, chunks: chunks), fill: fill,
                            labels: labels, loss: loss, context: context)
            slot.replica.backward(slot.outputGradient)
        }
        releaseValues(slots: chunks)
        reduceGradients(chunks: chunks, batchSize: n)
        mergeBatchNormStatistics(chunks: chunks)
        let norm: Float
        if let maxNorm = maxGradientNorm {
            norm = clipGradientNorm(masterParameters, maxNorm: maxNorm)
        } else {
            norm = Float(gradientSumOfSquares(masterParameters).squareRoot())
        }
        optimizer.step(masterParameters, learningRate: learningRate) { runBlocks($0, chunks: chunks, $1) }
        self.step += 1
        var result = summarize(chunks: chunks, count: n)
        result.gradientNorm = norm
        return result
    }

    /// Loss and correct count on a batch in evaluation mode (no dropout, batch-norm running
    /// statistics, no gradients kept), chunked and threaded like training.
    public func evaluate(images: [Float], labels: [Int], loss: Loss) -> BatchResult {
        precondition(images.count == labels.count * network.inputSize,
                     "evaluate: \(labels.count) labels need \(labels.count * network.inputSize) floats of \(network.inputShape), got \(images.count)")
        let size = network.inputSize
        return images.withUnsafeBufferPointer { images in
            evaluate(labels: labels, loss: loss) { Self.copy(images, sampleSize: size, samples: $0, into: $1) }
        }
    }

    /// `evaluate` on a batch whose images `fill` writes into each chunk's input (see `trainStep`).
    public func evaluate(labels: [Int], loss: Loss, fill: BatchFill) -> BatchResult {
        let n = labels.count
        precondition(n > 0, "evaluate needs a non-empty batch")
        let chunks = chunkCount(n)
        // Work through the chunks in groups that reuse at most 4·threads replicas; losses are still
        // summed in sample order, so the result does not depend on the grouping.
        let group = min(chunks, 4 * threads)
        prepare(chunks: group)
        shareValues(slots: group)
        defer { releaseValues(slots: group) }
        var total = 0.0, correct = 0
        for first in stride(from: 0, to: chunks, by: group) {
            let count = min(group, chunks - first)
            runChunks(count) { s in
                self.runForward(slot: s, samples: self.chunkRange(first + s, of: n, chunks: chunks), fill: fill,
                                labels: labels, loss: loss, context: .evaluation)
            }
            for s in 0..<count {
                for l in slots[s].losses { total += Double(l) }
                correct += slots[s].correct
            }
        }
        return BatchResult(loss: Float(total / Double(n)), correct: correct, count: n, gradientNorm: nil)
    }

    /// Threads that really run chunks: `threads`, but at most one per processor.
    public var threadsUsed: Int { pool.threads }

    /// Number of chunks for a batch of n: ⌈n / chunkSize⌉, minus one when the last would hold a
    /// single sample (it is folded into the previous chunk).
    public func chunkCount(_ n: Int) -> Int {
        let chunks = (n + chunkSize - 1) / chunkSize
        return chunks > 1 && n % chunkSize == 1 ? chunks - 1 : chunks
    }

    /// The samples of chunk c.
    func chunkRange(_ c: Int, of n: Int, chunks: Int) -> Range<Int> {
        (c * chunkSize)..<(c == chunks - 1 ? n : (c + 1) * chunkSize)
    }

    /// Makes sure there are enough replicas and per-chunk buffers.
    private func prepare(chunks: Int) {
        while slots.count < chunks { slots.append(Chunk(replica: network.replica())) }
    }

    /// Runs `body(c)` for every chunk on the pool's threads. Which thread runs a chunk never
    /// changes what it computes: chunk c always runs on replica c.
    private func runChunks(_ chunks: Int, _ body: (Int) -> Void) {
        pool.run(chunks, body)
    }

    /// Runs the element blocks of the step after `chunks` chunks: on the pool when the chunks ran
    /// on several threads, else on the caller's thread — a batch of one chunk leaves the workers
    /// idle long enough to park, and waking one for a short loop costs more than the loop saves.
    private func runBlocks(_ blocks: Int, chunks: Int, _ body: (Int) -> Void) {
        if chunks > 1 {
            pool.run(blocks, body)
        } else {
            for b in 0..<blocks { body(b) }
        }
    }

    /// The `BatchFill` of a batch given as flat NCHW floats (called from a closure literal, which,
    /// unlike a returned closure, needs no heap allocation).
    private static func copy(_ images: UnsafeBufferPointer<Float>, sampleSize: Int, samples: Range<Int>,
                             into: UnsafeMutableBufferPointer<Float>) {
        into.baseAddress!.update(from: images.baseAddress! + samples.lowerBound * sampleSize,
                                 count: samples.count * sampleSize)
    }

    /// Lets the first `slots` replicas read the master's parameter and buffer values (no copy).
    private func shareValues(slots count: Int) {
        for slot in slots.prefix(count) {
            for (mine, master) in zip(slot.values, masterValues) {
                precondition(mine.value.count == 0 || mine.value.shape == master.value.shape,
                             "Trainer: replica \(mine.name) has shape \(mine.value.shape), master \(master.value.shape)")
                mine.value = master.value
            }
        }
    }

    /// Drops the replicas' references to the master's values, so the optimizer updates them in place
    /// (a reference left behind would make copy-on-write duplicate every parameter each step).
    private func releaseValues(slots count: Int) {
        for slot in slots.prefix(count) { for mine in slot.values { mine.value = .empty } }
    }

    /// Fixed-order reduction: master gradient = (+0 + chunk 0 + chunk 1 + ...) / N, element-wise,
    /// the chunks added in chunk order whatever the thread count, eight floats at a time. The work
    /// is cut into fixed blocks within one parameter each (`reductionBlocks`) that the pool's threads
    /// share; a block's sums are the same whichever thread computes them.
    private func reduceGradients(chunks: Int, batchSize n: Int) {
        let size = Float(n)
        reductionBlocks.cover(counts: masterParameters.lazy.map(\.grad.count))
        let blocks = reductionBlocks.blocks
        withGradientPointers(from: 0, chunks: chunks) {
            let targets = masterGradients, sources = chunkGradients
            runBlocks(blocks.count, chunks: chunks) { b in
                let (j, range) = blocks[b]
                let target = targets[j]
                let first = j * chunks
                var i = range.lowerBound
                while i < range.upperBound {  // not FloatBlocks.forEach: this body was not inlined there
                    let lanes = min(8, range.upperBound - i)
                    var sum = SIMD8<Float>(repeating: 0) + FloatBlocks.load(sources[first], i, lanes)
                    for c in 1..<chunks { sum += FloatBlocks.load(sources[first + c], i, lanes) }
                    FloatBlocks.store(sum / size, target, i, lanes)
                    i += 8
                }
            }
        }
        masterGradients.removeAll(keepingCapacity: true)
        chunkGradients.removeAll(keepingCapacity: true)
    }

    /// Calls `body` with `masterGradients` holding a pointer to every master parameter's gradient
    /// and `chunkGradients` to every chunk's (parameter j of chunk c at j·chunks + c), collected one
    /// nested buffer access each, so every pointer stays valid during `body`.
    private func withGradientPointers(from k: Int, chunks: Int, _ body: () -> Void) {
        let parameters = masterParameters.count
        if k < parameters {
            masterParameters[k].grad.storage.withUnsafeMutableBufferPointer { g in
                masterGradients.append(g.baseAddress!)
                withGradientPointers(from: k + 1, chunks: chunks, body)
            }
        } else if k < parameters * (chunks + 1) {
            let j = (k - parameters) / chunks, c = (k - parameters) % chunks
            let parameter = slots[c].parameters[j]
            let count = reductionBlocks.counts[j]  // not the master's grad: it is being accessed above
            parameter.grad.storage.withUnsafeBufferPointer { r in
                precondition(r.count == count, "Trainer: chunk \(c) gradient of \(parameter.name) has \(r.count) values, expected \(count)")
                chunkGradients.append(r.baseAddress!)
                withGradientPointers(from: k + 1, chunks: chunks, body)
            }
        } else {
            body()
        }
    }

    /// Forward and loss for `samples` on slot s's replica; fills that slot's losses, correct count
    /// and output gradient (only slot s is touched, so slots may run concurrently).
    private func runForward(slot s: Int, samples: Range<Int>, fill: BatchFill, labels: [Int], loss: Loss,
                            context: ForwardContext) {
        let slot = slots[s]
        let start = samples.lowerBound, end = samples.upperBound
        let size = network.inputSize
        if slot.inputShape.first != end - start { slot.inputShape = [end - start] + network.inputShape }
        // The first layer still holds the previous chunk's input: let go of it first, or writing
        // into that storage would copy it.
        slot.replica.releaseInputs()
        var input = Tensor.take(&slot.input, shape: slot.inputShape, zeroed: false)
        input.storage.withUnsafeMutableBufferPointer { dst in
            precondition(dst.count == (end - start) * size, "Trainer: chunk input holds \(dst.count) floats, expected \((end - start) * size)")
            fill(samples, dst)
        }
        slot.input = input
        let output = slot.replica.forward(input, context: context)
        if slot.outputGradient.shape != output.shape { slot.outputGradient = Tensor(zeros: output.shape) }
        loss.perSampleLoss(output, labels: labels[start..<end], gradient: &slot.outputGradient, losses: &slot.losses)
        let classes = output.count / (end - start)
        var correct = 0
        for s in 0..<(end - start) {
            var best = 0
            for k in 1..<max(1, classes) where output.storage[s * classes + k] > output.storage[s * classes + best] {
                best = k
            }
            if best == labels[start + s] { correct += 1 }
        }
        slot.correct = correct
    }

    private func summarize(chunks: Int, count n: Int) -> BatchResult {
        var total = 0.0, correct = 0
        for c in 0..<chunks {
            for l in slots[c].losses { total += Double(l) }
            correct += slots[c].correct
        }
        return BatchResult(loss: Float(total / Double(n)), correct: correct, count: n, gradientNorm: nil)
    }

    private func mergeBatchNormStatistics(chunks: Int) {
        for (i, layer) in network.layers.enumerated() {
            guard let master = layer as? BatchNorm else { continue }
            for c in 0..<chunks {
                let replica = slots[c].replica.layers[i] as! BatchNorm
                master.updateRunningStatistics(mean: replica.lastBatchMean, variance: replica.lastBatchVariance)
            }
        }
    }
}
