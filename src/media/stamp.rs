//! The test-pattern stamp (DESIGN.md section 7, a contract other code and checks depend on).
//!
//! Two rows of 32 cells, each 8x8 pixels, start at (0, 0). Row 0 (y 0..7) holds the frame index,
//! row 1 (y 8..15) the low 32 bits of the capture time in UNIX milliseconds, both most significant
//! bit first with cell x = 8 * bit. A 1 bit is luma 235, a 0 bit luma 16. A reader averages the
//! central 4x4 pixels of each cell and thresholds at 128. Frames narrower than 256 or shorter than
//! 16 pixels carry no stamp.

use crate::media::frame::VideoFrame;

/// Side of one stamp cell in pixels.
pub const CELL: usize = 8;
/// Bits (cells) per stamp row.
pub const BITS: usize = 32;
/// Smallest frame width that carries a stamp.
pub const MIN_WIDTH: u32 = (CELL * BITS) as u32;
/// Smallest frame height that carries a stamp.
pub const MIN_HEIGHT: u32 = (2 * CELL) as u32;
/// Luma of a 1 bit.
pub const LUMA_ONE: u8 = 235;
/// Luma of a 0 bit.
pub const LUMA_ZERO: u8 = 16;
/// Average luma at or above which a cell reads as 1.
pub const THRESHOLD: u32 = 128;

/// What a stamp carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Stamp {
    /// Frame index (row 0).
    pub index: u32,
    /// Low 32 bits of the capture time in UNIX milliseconds (row 1).
    pub capture_time_ms: u32,
}

/// Draws the stamp into the top-left corner of `frame`, and sets the chroma under it to 128 so no
/// colour bleeds into the cells. Does nothing when the frame is smaller than 256x16 or malformed.
pub fn draw_stamp(frame: &mut VideoFrame, index: u32, capture_time_ms: u32) {
    if frame.width < MIN_WIDTH || frame.height < MIN_HEIGHT || !frame.is_well_formed() {
        return;
    }
    let stride = frame.stride_y();
    for (row, value) in [index, capture_time_ms].into_iter().enumerate() {
        for bit in 0..BITS {
            let luma = if (value >> (BITS - 1 - bit)) & 1 == 1 { LUMA_ONE } else { LUMA_ZERO };
            for y in row * CELL..(row + 1) * CELL {
                let start = y * stride + bit * CELL;
                frame.y[start..start + CELL].fill(luma);
            }
        }
    }
    // Chroma under the stamp: 128 x 8 samples in 4:2:0.
    let cstride = frame.stride_uv();
    let cw = (MIN_WIDTH / 2) as usize;
    for cy in 0..CELL {
        let start = cy * cstride;
        frame.u[start..start + cw].fill(128);
        frame.v[start..start + cw].fill(128);
    }
}

/// Reads a stamp from a luma plane with the given stride.
///
/// Returns `None` when the frame is smaller than 256x16 or `y` is too short for the stamp's rows;
/// otherwise always returns the thresholded bits.
pub fn read_stamp(y: &[u8], stride: usize, width: u32, height: u32) -> Option<Stamp> {
    if width < MIN_WIDTH || height < MIN_HEIGHT || stride < MIN_WIDTH as usize {
        return None;
    }
    let needed = (2 * CELL - 1).checked_mul(stride)?.checked_add(MIN_WIDTH as usize)?;
    if y.len() < needed {
        return None;
    }
    let mut values = [0u32; 2];
    for (row, value) in values.iter_mut().enumerate() {
        for bit in 0..BITS {
            let mut sum = 0u32;
            for yy in row * CELL + 2..row * CELL + 6 {
                let start = yy * stride + bit * CELL + 2;
                sum += y[start..start + 4].iter().map(|&p| u32::from(p)).sum::<u32>();
            }
            if sum / 16 >= THRESHOLD {
                *value |= 1 << (BITS - 1 - bit);
            }
        }
    }
    Some(Stamp { index: values[0], capture_time_ms: values[1] })
}

/// Reads the stamp of a packed frame (see [`read_stamp`]).
pub fn read_frame_stamp(frame: &VideoFrame) -> Option<Stamp> {
    read_stamp(&frame.y, frame.stride_y(), frame.width, frame.height)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draw_then_read_is_exact() {
        for (index, time) in
            [(0u32, 0u32), (1, 2), (u32::MAX, u32::MAX), (0x8000_0001, 0x1234_5678), (42, 1_700_000_123)]
        {
            let mut f = VideoFrame::black(320, 240);
            f.y.fill(200);
            f.u.fill(30);
            draw_stamp(&mut f, index, time);
            assert_eq!(read_frame_stamp(&f), Some(Stamp { index, capture_time_ms: time }));
        }
    }

    #[test]
    fn layout_matches_the_contract() {
        let mut f = VideoFrame::black(256, 16);
        draw_stamp(&mut f, 0x8000_0000, 1);
        // Index MSB is cell 0 of row 0; time LSB is cell 31 of row 1.
        assert_eq!(f.y[0], LUMA_ONE);
        assert_eq!(f.y[7 * 256 + 7], LUMA_ONE);
        assert_eq!(f.y[8], LUMA_ZERO);
        assert_eq!(f.y[8 * 256 + 31 * 8], LUMA_ONE);
        assert_eq!(f.y[8 * 256 + 30 * 8 + 7], LUMA_ZERO);
        assert!(f.u.iter().all(|&c| c == 128));
    }

    #[test]
    fn chroma_under_the_stamp_is_neutral_and_the_rest_untouched() {
        let mut f = VideoFrame::black(300, 20);
        f.u.fill(10);
        f.v.fill(240);
        f.y.fill(77);
        draw_stamp(&mut f, 5, 6);
        let cs = f.stride_uv();
        assert_eq!(f.u[7 * cs + 127], 128);
        assert_eq!(f.u[7 * cs + 128], 10);
        assert_eq!(f.v[8 * cs], 240);
        assert_eq!(f.y[256], 77);
        assert_eq!(f.y[16 * 300], 77);
    }

    #[test]
    fn small_frames_carry_no_stamp() {
        for (w, h) in [(255, 16), (256, 15), (0, 0)] {
            let mut f = VideoFrame::black(w, h);
            let before = f.clone();
            draw_stamp(&mut f, 7, 7);
            assert_eq!(f, before);
            assert_eq!(read_frame_stamp(&f), None);
        }
    }

    #[test]
    fn reading_survives_noise_and_respects_stride() {
        let mut f = VideoFrame::black(256, 16);
        draw_stamp(&mut f, 0xA5A5_1234, 0x0F0F_F0F0);
        // Add +-40 of noise, as lossy coding might.
        for (i, p) in f.y.iter_mut().enumerate() {
            let noise = (i * 37 % 81) as i32 - 40;
            *p = (i32::from(*p) + noise).clamp(0, 255) as u8;
        }
        let stride = 300;
        let mut strided = vec![0u8; stride * 16];
        for y in 0..16 {
            strided[y * stride..y * stride + 256].copy_from_slice(&f.y[y * 256..(y + 1) * 256]);
        }
        let want = Some(Stamp { index: 0xA5A5_1234, capture_time_ms: 0x0F0F_F0F0 });
        assert_eq!(read_stamp(&strided, stride, 256, 16), want);
        assert_eq!(read_stamp(&strided[..stride * 15 + 255], stride, 256, 16), None);
        assert_eq!(read_stamp(&strided, 100, 256, 16), None);
    }

    #[test]
    fn malformed_frame_is_left_alone() {
        let mut f = VideoFrame { width: 256, height: 16, y: vec![0; 10], u: vec![], v: vec![] };
        draw_stamp(&mut f, 1, 1);
        assert_eq!(f.y, vec![0; 10]);
    }
}
