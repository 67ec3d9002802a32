/// im2col and col2im: the data movement around Conv2D's GEMMs (Chellapilla et al. 2006, "High
/// Performance Convolutional Neural Networks for Document Processing").
///
/// With padding, each sample's maps are first copied into a zero-bordered scratch plane
/// [in, H + 2p, W + 2p] (the border is zeroed once and never written), so every column-matrix row
/// is a plain strided copy without bounds tests or zero fills; col2im accumulates into a
/// zero-bordered gradient plane and copies its interior out.
extension Conv2D {
    /// Row (c, ki, kj), column (oy, ox) of the column matrix [in·kh·kw, oH·oW] holds
    /// x[c, oy·s − p + ki, ox·s − p + kj] (zero outside the image).
    func im2col(_ x: UnsafePointer<Float>, height h: Int, width w: Int, outHeight oh: Int,
                outWidth ow: Int, into col: UnsafeMutablePointer<Float>) {
        guard padding > 0 else {
            im2col(plane: x, planeHeight: h, planeWidth: w, outHeight: oh, outWidth: ow, into: col)
            return
        }
        let hp = h + 2 * padding, wp = w + 2 * padding
        if paddedInput.count != inChannels * hp * wp {
            paddedInput = [Float](repeating: 0, count: inChannels * hp * wp)
        }
        paddedInput.withUnsafeMutableBufferPointer { plane in
            let base = plane.baseAddress!
            for c in 0..<inChannels {
                for iy in 0..<h {
                    let source = x + ((c &* h &+ iy) &* w)
                    let target = base + ((c &* hp &+ iy &+ padding) &* wp &+ padding)
                    for ix in 0..<w { target[ix] = source[ix] }
                }
            }
            im2col(plane: base, planeHeight: hp, planeWidth: wp, outHeight: oh, outWidth: ow, into: col)
        }
    }

    /// im2col from maps [in, hp, wp] that already hold the padding (every window lies inside).
    private func im2col(plane: UnsafePointer<Float>, planeHeight hp: Int, planeWidth wp: Int, outHeight oh: Int,
                        outWidth ow: Int, into col: UnsafeMutablePointer<Float>) {
        var line = col
        for c in 0..<inChannels {
            for ki in 0..<kernelHeight {
                for kj in 0..<kernelWidth {
                    var source = plane + ((c &* hp &+ ki) &* wp &+ kj)
                    for _ in 0..<oh {
                        if stride == 1 {
                            Self.copyRow(source, to: line, count: ow)
                        } else {
                            for ox in 0..<ow { line[ox] = source[ox &* stride] }
                        }
                        line += ow
                        source += (stride &* wp)
                    }
                }
            }
        }
    }

    /// The adjoint of `im2col`: adds each column entry back to the input cell it came from (cells
    /// seen by several windows accumulate, in the order (c, ki, kj, oy, ox)) and writes the sum
    /// into dx [in, H, W] (overwriting it).
    func col2im(_ col: UnsafePointer<Float>, height h: Int, width w: Int, outHeight oh: Int,
                outWidth ow: Int, into dx: UnsafeMutablePointer<Float>) {
        guard padding > 0 else {
            dx.update(repeating: 0, count: inChannels * h * w)
            col2im(col, planeHeight: h, planeWidth: w, outHeight: oh, outWidth: ow, into: dx)
            return
        }
        let hp = h + 2 * padding, wp = w + 2 * padding
        if paddedGradient.count != inChannels * hp * wp {
            paddedGradient = [Float](repeating: 0, count: inChannels * hp * wp)
        }
        paddedGradient.withUnsafeMutableBufferPointer { plane in
            let base = plane.baseAddress!
            base.update(repeating: 0, count: plane.count)
            col2im(col, planeHeight: hp, planeWidth: wp, outHeight: oh, outWidth: ow, into: base)
            for c in 0..<inChannels {
                for iy in 0..<h {
                    let source = base + ((c &* hp &+ iy &+ padding) &* wp &+ padding)
                    let target = dx + ((c &* h &+ iy) &* w)
                    for ix in 0..<w { target[ix] = source[ix] }
                }
            }
        }
    }

    /// col2im into zeroed maps [in, hp, wp] that include the padding.
    private func col2im(_ col: UnsafePointer<Float>, planeHeight hp: Int, planeWidth wp: Int, outHeight oh: Int,
                        outWidth ow: Int, into plane: UnsafeMutablePointer<Float>) {
        var line = col
        for c in 0..<inChannels {
            for ki in 0..<kernelHeight {
                for kj in 0..<kernelWidth {
                    var target = plane + ((c &* hp &+ ki) &* wp &+ kj)
                    for _ in 0..<oh {
                        if stride == 1 {
                            Self.addRow(line, to: target, count: ow)
                        } else {
                            for ox in 0..<ow { target[ox &* stride] += line[ox] }
                        }
                        line += ow
                        target += (stride &* wp)
                    }
                }
            }
        }
    }

    /// Copies a short row in 8-float pieces, the last one overlapping the one before (no scalar
    /// tail, no memmove call); rows under 8 floats go one by one.
    @inline(__always)
    static func copyRow(_ source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, count: Int) {
        guard count >= 8 else {
            for i in 0..<count { target[i] = source[i] }
            return
        }
        let from = UnsafeRawPointer(source), to = UnsafeMutableRawPointer(target)
        var i = 0
        while i &+ 8 < count {
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self),
                          toByteOffset: i &* 4, as: SIMD8<Float>.self)
            i &+= 8
        }
        let last = (count &- 8) &* 4
        to.storeBytes(of: from.loadUnaligned(fromByteOffset: last, as: SIMD8<Float>.self),
                      toByteOffset: last, as: SIMD8<Float>.self)
    }

    /// target[0..<count] += source[0..<count], 8 floats at a time (each element gets one addition).
    @inline(__always)
    static func addRow(_ source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, count: Int) {
        let from = UnsafeRawPointer(source), to = UnsafeMutableRawPointer(target)
        var i = 0
        while i &+ 8 <= count {
            let sum = to.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self)
                + from.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self)
            to.storeBytes(of: sum, toByteOffset: i &* 4, as: SIMD8<Float>.self)
            i &+= 8
        }
        while i < count {
            target[i] += source[i]
            i &+= 1
        }
    }
}
