//! The virtual camera's moving test pattern.
//!
//! Colour bars scroll horizontally over the top three quarters, a grey ramp scrolls the other way
//! below them, and a box bounces across the frame, so an encoder sees real motion and a viewer sees
//! at a glance that frames advance. The pattern covers the whole frame; [`crate::media::stamp`]
//! draws the stamp over the top-left corner afterwards.

use crate::media::frame::VideoFrame;

/// 100% colour bars in BT.601 limited-range YUV: white, yellow, cyan, green, magenta, red, blue, black.
const BARS: [(u8, u8, u8); 8] = [
    (235, 128, 128),
    (210, 16, 146),
    (170, 166, 16),
    (145, 54, 34),
    (106, 202, 222),
    (81, 90, 240),
    (41, 240, 110),
    (16, 128, 128),
];

/// Position along a back-and-forth path of length `span`, `t` steps in.
fn bounce(t: u64, span: u64) -> u64 {
    if span == 0 {
        return 0;
    }
    let p = t % (2 * span);
    if p < span {
        p
    } else {
        2 * span - p
    }
}

/// Draws frame number `index` of the pattern over the whole of `frame` (malformed frames are left
/// alone).
pub fn draw_test_pattern(frame: &mut VideoFrame, index: u64) {
    if !frame.is_well_formed() || frame.width == 0 || frame.height == 0 {
        return;
    }
    let (w, h) = (frame.width as u64, frame.height as u64);
    let speed = (w / 160).max(1);
    let bar_shift = index * speed % w;
    let ramp_shift = w - bar_shift;
    let ramp_top = h * 3 / 4;
    let side = (h / 4).max(2).min(w).min(h);
    let box_x = bounce(index * speed, w - side);
    let box_y = bounce(index * speed / 2 + h / 8, h - side);
    let box_colour = BARS[(index / 15 % 7) as usize];

    // Colour at (x, y) in luma coordinates.
    let colour = |x: u64, y: u64| -> (u8, u8, u8) {
        if x >= box_x && x < box_x + side && y >= box_y && y < box_y + side {
            // A box with a dark frame around a coloured core.
            let edge = (side / 8).max(1);
            let inner = x >= box_x + edge && x < box_x + side - edge && y >= box_y + edge && y < box_y + side - edge;
            return if inner { box_colour } else { (16, 128, 128) };
        }
        if y < ramp_top {
            BARS[((x + bar_shift) % w * 8 / w) as usize]
        } else {
            let luma = 16 + ((x + ramp_shift) % w * 219 / w) as u8;
            (luma, 128, 128)
        }
    };

    let stride = frame.stride_y();
    for y in 0..h {
        let row = &mut frame.y[y as usize * stride..(y as usize + 1) * stride];
        for (x, p) in row.iter_mut().enumerate() {
            *p = colour(x as u64, y).0;
        }
    }
    let cstride = frame.stride_uv();
    for cy in 0..frame.chroma_height() {
        for cx in 0..cstride {
            let (_, u, v) = colour(2 * cx as u64, 2 * cy as u64);
            frame.u[cy * cstride + cx] = u;
            frame.v[cy * cstride + cx] = v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_frames_differ() {
        for (w, h) in [(640, 360), (1280, 720), (33, 17), (33, 1), (1, 1)] {
            let mut a = VideoFrame::black(w, h);
            let mut b = VideoFrame::black(w, h);
            draw_test_pattern(&mut a, 10);
            draw_test_pattern(&mut b, 11);
            assert!(a.is_well_formed());
            if w > 1 {
                assert_ne!(a.y, b.y, "{w}x{h}");
            }
        }
    }

    #[test]
    fn pattern_is_deterministic_and_colourful() {
        let mut a = VideoFrame::black(640, 360);
        let mut b = VideoFrame::black(640, 360);
        draw_test_pattern(&mut a, 1234);
        draw_test_pattern(&mut b, 1234);
        assert_eq!(a, b);
        let distinct_u: std::collections::HashSet<u8> = a.u.iter().copied().collect();
        assert!(distinct_u.len() >= 5, "{distinct_u:?}");
    }

    #[test]
    fn bars_scroll() {
        let mut a = VideoFrame::black(640, 360);
        let mut b = VideoFrame::black(640, 360);
        draw_test_pattern(&mut a, 0);
        draw_test_pattern(&mut b, 1);
        // Row 20 is above the box at these indexes; the bars moved left by `speed` (4 px at 640 wide).
        let y = 20 * 640;
        assert_eq!(&a.y[y + 4..y + 200], &b.y[y..y + 196]);
    }

    #[test]
    fn malformed_frame_is_left_alone() {
        let mut f = VideoFrame { width: 8, height: 8, y: vec![1; 3], u: vec![], v: vec![] };
        draw_test_pattern(&mut f, 3);
        assert_eq!(f.y, vec![1; 3]);
    }
}
