//! Raw video frames (tightly packed I420) and conversions into and out of them.
//!
//! Every source (camera, virtual camera, custom capture) is turned into a [`VideoFrame`] before it
//! reaches the encoder, and every decoded frame is one. Host buffers are described the way ZEGO's
//! `zego_video_frame_param` describes them: a [`PixelFormat`] plus per-plane strides in bytes, where
//! a stride of 0 means "packed". [`convert_to_i420`] validates the buffer against that description
//! and never reads out of bounds; YUV <-> RGB uses BT.601 limited range (Y 16..235, UV 16..240).

use std::fmt;

/// Largest width or height [`convert_to_i420`] accepts, in pixels.
pub const MAX_DIMENSION: u32 = 16_384;

/// Luma of black in limited range.
const Y_BLACK: u8 = 16;
/// Neutral chroma.
const UV_NEUTRAL: u8 = 128;

/// A tightly packed I420 (YUV 4:2:0 planar) frame.
///
/// `y` holds `width * height` bytes, `u` and `v` each `((width + 1) / 2) * ((height + 1) / 2)`; rows
/// follow each other with no padding, so the strides are implied ([`VideoFrame::stride_y`],
/// [`VideoFrame::stride_uv`]). Functions that take a frame tolerate planes of the wrong length
/// (they never panic) but only frames built by this module are guaranteed well formed.
#[derive(Clone, PartialEq, Eq)]
pub struct VideoFrame {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Luma plane, `width * height` bytes.
    pub y: Vec<u8>,
    /// Cb plane, `stride_uv() * chroma_height()` bytes.
    pub u: Vec<u8>,
    /// Cr plane, `stride_uv() * chroma_height()` bytes.
    pub v: Vec<u8>,
}

impl fmt::Debug for VideoFrame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VideoFrame")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("y_len", &self.y.len())
            .field("u_len", &self.u.len())
            .field("v_len", &self.v.len())
            .finish()
    }
}

/// Width and height of the chroma planes of a `width` x `height` I420 frame.
pub fn chroma_size(width: u32, height: u32) -> (usize, usize) {
    ((width as usize).div_ceil(2), (height as usize).div_ceil(2))
}

impl VideoFrame {
    /// A black frame (Y 16, U and V 128) of the given size.
    pub fn black(width: u32, height: u32) -> Self {
        let (cw, ch) = chroma_size(width, height);
        Self {
            width,
            height,
            y: vec![Y_BLACK; width as usize * height as usize],
            u: vec![UV_NEUTRAL; cw * ch],
            v: vec![UV_NEUTRAL; cw * ch],
        }
    }

    /// Bytes per luma row (= width).
    pub fn stride_y(&self) -> usize {
        self.width as usize
    }

    /// Bytes per chroma row (= (width + 1) / 2).
    pub fn stride_uv(&self) -> usize {
        (self.width as usize).div_ceil(2)
    }

    /// Number of chroma rows (= (height + 1) / 2).
    pub fn chroma_height(&self) -> usize {
        (self.height as usize).div_ceil(2)
    }

    /// Whether the planes have exactly the lengths the width and height imply.
    pub fn is_well_formed(&self) -> bool {
        let (cw, ch) = chroma_size(self.width, self.height);
        self.y.len() == self.width as usize * self.height as usize && self.u.len() == cw * ch && self.v.len() == cw * ch
    }
}

/// Pixel layouts a host can hand in, with ZEGO's `ZegoVideoFrameFormat` values.
///
/// The 32-bit and 24-bit RGB names give the byte order in memory (`Bgra32` is B, G, R, A).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum PixelFormat {
    /// Planar Y, U, V; chroma halved both ways.
    I420 = 1,
    /// Planar Y, then interleaved U, V; chroma halved both ways.
    Nv12 = 2,
    /// Planar Y, then interleaved V, U; chroma halved both ways.
    Nv21 = 3,
    /// Packed B, G, R, A bytes.
    Bgra32 = 4,
    /// Packed R, G, B, A bytes.
    Rgba32 = 5,
    /// Packed A, R, G, B bytes.
    Argb32 = 6,
    /// Packed A, B, G, R bytes.
    Abgr32 = 7,
    /// Planar Y, U, V; chroma halved horizontally only.
    I422 = 8,
    /// Packed B, G, R bytes.
    Bgr24 = 9,
    /// Packed R, G, B bytes.
    Rgb24 = 10,
}

impl PixelFormat {
    /// The format for a ZEGO `ZegoVideoFrameFormat` value, or `None` (including for UNKNOWN = 0).
    pub fn from_zego(value: i32) -> Option<Self> {
        Some(match value {
            1 => Self::I420,
            2 => Self::Nv12,
            3 => Self::Nv21,
            4 => Self::Bgra32,
            5 => Self::Rgba32,
            6 => Self::Argb32,
            7 => Self::Abgr32,
            8 => Self::I422,
            9 => Self::Bgr24,
            10 => Self::Rgb24,
            _ => return None,
        })
    }

    /// The ZEGO `ZegoVideoFrameFormat` value.
    pub fn to_zego(self) -> i32 {
        self as i32
    }

    /// Number of planes (and of meaningful entries in the strides array).
    pub fn plane_count(self) -> usize {
        match self {
            Self::I420 | Self::I422 => 3,
            Self::Nv12 | Self::Nv21 => 2,
            _ => 1,
        }
    }

    /// For packed RGB formats: bytes per pixel and the byte offsets of R, G and B.
    fn rgb_layout(self) -> Option<(usize, [usize; 3])> {
        match self {
            Self::Bgra32 => Some((4, [2, 1, 0])),
            Self::Rgba32 => Some((4, [0, 1, 2])),
            Self::Argb32 => Some((4, [1, 2, 3])),
            Self::Abgr32 => Some((4, [3, 2, 1])),
            Self::Bgr24 => Some((3, [2, 1, 0])),
            Self::Rgb24 => Some((3, [0, 1, 2])),
            _ => None,
        }
    }
}

/// Why a host buffer could not be converted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// Width or height is zero or above [`MAX_DIMENSION`].
    #[error("invalid frame size {width}x{height}")]
    InvalidSize {
        /// Given width.
        width: u32,
        /// Given height.
        height: u32,
    },
    /// A stride is negative or shorter than one row of its plane.
    #[error("stride {stride} of plane {plane} is invalid (a row needs {min} bytes)")]
    InvalidStride {
        /// Plane index (0 = Y or the packed plane).
        plane: usize,
        /// The stride given.
        stride: i32,
        /// Bytes one row of the plane needs.
        min: usize,
    },
    /// The buffer is shorter than the format, size and strides require.
    #[error("buffer holds {actual} bytes, {needed} needed")]
    BufferTooSmall {
        /// Bytes required.
        needed: usize,
        /// Bytes given.
        actual: usize,
    },
}

/// One validated plane of a host buffer: where it starts, its stride, and its row count and width.
#[derive(Debug, Clone, Copy)]
struct Plane {
    offset: usize,
    stride: usize,
    row_bytes: usize,
    rows: usize,
}

impl Plane {
    /// Row `r` of the plane. Callers only pass `r < rows` of a plane checked by [`layout`].
    fn row<'a>(&self, data: &'a [u8], r: usize) -> &'a [u8] {
        let start = self.offset + r * self.stride;
        // In bounds: `layout` checked that data holds every row of every plane.
        &data[start..start + self.row_bytes]
    }
}

/// Checks `data` against the format, size and strides and returns the planes (unused ones empty).
fn layout(
    data: &[u8],
    format: PixelFormat,
    width: u32,
    height: u32,
    strides: [i32; 4],
) -> Result<[Plane; 3], FrameError> {
    if width == 0 || height == 0 || width > MAX_DIMENSION || height > MAX_DIMENSION {
        return Err(FrameError::InvalidSize { width, height });
    }
    let (w, h) = (width as usize, height as usize);
    let (cw, ch) = chroma_size(width, height);
    // (row bytes, rows) per plane.
    let shapes: &[(usize, usize)] = match format {
        PixelFormat::I420 => &[(w, h), (cw, ch), (cw, ch)],
        PixelFormat::I422 => &[(w, h), (cw, h), (cw, h)],
        PixelFormat::Nv12 | PixelFormat::Nv21 => &[(w, h), (2 * cw, ch)],
        PixelFormat::Bgr24 | PixelFormat::Rgb24 => &[(3 * w, h)],
        PixelFormat::Bgra32 | PixelFormat::Rgba32 | PixelFormat::Argb32 | PixelFormat::Abgr32 => &[(4 * w, h)],
    };
    let empty = Plane { offset: 0, stride: 0, row_bytes: 0, rows: 0 };
    let mut planes = [empty; 3];
    let mut offset = 0usize;
    let mut needed = 0usize;
    for (i, &(row_bytes, rows)) in shapes.iter().enumerate() {
        let stride = match strides[i] {
            0 => row_bytes,
            s if s < 0 || (s as usize) < row_bytes => {
                return Err(FrameError::InvalidStride { plane: i, stride: s, min: row_bytes });
            }
            s => s as usize,
        };
        let too_big = FrameError::BufferTooSmall { needed: usize::MAX, actual: data.len() };
        // The last row of a plane only needs its own bytes, not a whole stride.
        let end = stride
            .checked_mul(rows - 1)
            .and_then(|n| n.checked_add(row_bytes))
            .and_then(|n| n.checked_add(offset))
            .ok_or(too_big.clone())?;
        needed = end;
        planes[i] = Plane { offset, stride, row_bytes, rows };
        offset = stride.checked_mul(rows).and_then(|n| n.checked_add(offset)).ok_or(too_big)?;
    }
    if data.len() < needed {
        return Err(FrameError::BufferTooSmall { needed, actual: data.len() });
    }
    Ok(planes)
}

/// BT.601 limited-range luma of an RGB pixel.
fn rgb_to_y(r: i32, g: i32, b: i32) -> u8 {
    (((66 * r + 129 * g + 25 * b + 128) >> 8) + 16).clamp(0, 255) as u8
}

/// BT.601 limited-range Cb of an RGB pixel.
fn rgb_to_u(r: i32, g: i32, b: i32) -> u8 {
    (((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128).clamp(0, 255) as u8
}

/// BT.601 limited-range Cr of an RGB pixel.
fn rgb_to_v(r: i32, g: i32, b: i32) -> u8 {
    (((112 * r - 94 * g - 18 * b + 128) >> 8) + 128).clamp(0, 255) as u8
}

/// Converts a host buffer described as ZEGO describes it into a packed I420 frame.
///
/// `strides` are bytes per row of each plane (`zego_video_frame_param.strides`); 0 means packed.
/// Planes follow each other in `data`, each starting `stride * rows` bytes after the previous one.
/// Errors when the size is zero or above [`MAX_DIMENSION`], a stride is negative or too short, or
/// `data` is too short; never panics or reads out of bounds. RGB input is converted with BT.601
/// limited range, chroma from the average of each 2x2 block; I422 chroma is averaged vertically.
pub fn convert_to_i420(
    data: &[u8],
    format: PixelFormat,
    width: u32,
    height: u32,
    strides: [i32; 4],
) -> Result<VideoFrame, FrameError> {
    let planes = layout(data, format, width, height, strides)?;
    let mut out = VideoFrame::black(width, height);
    let (w, h) = (width as usize, height as usize);
    let (cw, ch) = chroma_size(width, height);
    match format {
        PixelFormat::I420 => {
            copy_rows(data, &planes[0], &mut out.y, w);
            copy_rows(data, &planes[1], &mut out.u, cw);
            copy_rows(data, &planes[2], &mut out.v, cw);
        }
        PixelFormat::I422 => {
            copy_rows(data, &planes[0], &mut out.y, w);
            for (src, dst) in [(&planes[1], &mut out.u), (&planes[2], &mut out.v)] {
                for cy in 0..ch {
                    let a = src.row(data, 2 * cy);
                    let b = src.row(data, (2 * cy + 1).min(h - 1));
                    for (x, d) in dst[cy * cw..(cy + 1) * cw].iter_mut().enumerate() {
                        *d = (u16::from(a[x]) + u16::from(b[x])).div_ceil(2) as u8;
                    }
                }
            }
        }
        PixelFormat::Nv12 | PixelFormat::Nv21 => {
            copy_rows(data, &planes[0], &mut out.y, w);
            let (ui, vi) = if format == PixelFormat::Nv12 { (0, 1) } else { (1, 0) };
            for cy in 0..ch {
                let row = planes[1].row(data, cy);
                for cx in 0..cw {
                    out.u[cy * cw + cx] = row[2 * cx + ui];
                    out.v[cy * cw + cx] = row[2 * cx + vi];
                }
            }
        }
        _ => {
            // Invariant: every remaining format is packed RGB.
            let Some((bpp, [ro, go, bo])) = format.rgb_layout() else { unreachable!("non-RGB format {format:?}") };
            let plane = &planes[0];
            let px = |row: &[u8], x: usize| {
                let p = &row[x * bpp..x * bpp + bpp];
                (i32::from(p[ro]), i32::from(p[go]), i32::from(p[bo]))
            };
            for cy in 0..ch {
                let (r0, r1) = (2 * cy, (2 * cy + 1).min(h - 1));
                let (row0, row1) = (plane.row(data, r0), plane.row(data, r1));
                for (r, row) in [(r0, row0), (r1, row1)] {
                    for (x, d) in out.y[r * w..(r + 1) * w].iter_mut().enumerate() {
                        let (rr, gg, bb) = px(row, x);
                        *d = rgb_to_y(rr, gg, bb);
                    }
                }
                for cx in 0..cw {
                    let (x0, x1) = (2 * cx, (2 * cx + 1).min(w - 1));
                    let (mut rs, mut gs, mut bs) = (0, 0, 0);
                    for (row, x) in [(row0, x0), (row0, x1), (row1, x0), (row1, x1)] {
                        let (rr, gg, bb) = px(row, x);
                        rs += rr;
                        gs += gg;
                        bs += bb;
                    }
                    let (rr, gg, bb) = ((rs + 2) >> 2, (gs + 2) >> 2, (bs + 2) >> 2);
                    out.u[cy * cw + cx] = rgb_to_u(rr, gg, bb);
                    out.v[cy * cw + cx] = rgb_to_v(rr, gg, bb);
                }
            }
        }
    }
    Ok(out)
}

/// Copies every row of a validated plane into a packed destination of `row_bytes` per row.
fn copy_rows(data: &[u8], plane: &Plane, dst: &mut [u8], row_bytes: usize) {
    for (r, d) in dst.chunks_exact_mut(row_bytes).take(plane.rows).enumerate() {
        d.copy_from_slice(plane.row(data, r));
    }
}

/// Builds a packed frame from three strided I420 planes (e.g. a decoder's output buffers).
///
/// Rows that the slices are too short to hold are left black rather than read out of bounds, and a
/// stride shorter than the row width is read as given (rows overlap); neither panics.
#[allow(clippy::too_many_arguments)]
pub fn i420_planes_from_strided(
    y: &[u8],
    stride_y: usize,
    u: &[u8],
    stride_u: usize,
    v: &[u8],
    stride_v: usize,
    width: u32,
    height: u32,
) -> VideoFrame {
    let mut out = VideoFrame::black(width, height);
    let (cw, _) = chroma_size(width, height);
    copy_strided(y, stride_y, &mut out.y, width as usize);
    copy_strided(u, stride_u, &mut out.u, cw);
    copy_strided(v, stride_v, &mut out.v, cw);
    out
}

/// Copies rows of `row_bytes` from a strided source into a packed destination, skipping rows the
/// source does not fully hold.
fn copy_strided(src: &[u8], stride: usize, dst: &mut [u8], row_bytes: usize) {
    if row_bytes == 0 {
        return;
    }
    for (r, d) in dst.chunks_exact_mut(row_bytes).enumerate() {
        let Some(start) = r.checked_mul(stride) else { return };
        match src.get(start..start.saturating_add(row_bytes)) {
            Some(s) if s.len() == row_bytes => d.copy_from_slice(s),
            _ => return,
        }
    }
}

/// Converts a frame to packed 8-bit RGB (R, G, B per pixel, `width * height * 3` bytes), BT.601
/// limited range. Missing plane bytes of a malformed frame read as black.
pub fn to_rgb24(frame: &VideoFrame) -> Vec<u8> {
    let (w, h) = (frame.width as usize, frame.height as usize);
    let cw = frame.stride_uv();
    let mut out = Vec::with_capacity(w * h * 3);
    for yy in 0..h {
        for xx in 0..w {
            let c = 298 * (i32::from(*frame.y.get(yy * w + xx).unwrap_or(&Y_BLACK)) - 16);
            let ci = (yy / 2) * cw + xx / 2;
            let d = i32::from(*frame.u.get(ci).unwrap_or(&UV_NEUTRAL)) - 128;
            let e = i32::from(*frame.v.get(ci).unwrap_or(&UV_NEUTRAL)) - 128;
            out.push(((c + 409 * e + 128) >> 8).clamp(0, 255) as u8);
            out.push(((c - 100 * d - 208 * e + 128) >> 8).clamp(0, 255) as u8);
            out.push(((c + 516 * d + 128) >> 8).clamp(0, 255) as u8);
        }
    }
    out
}

/// Scales a frame to `width` x `height` with bilinear filtering (pixel centres aligned).
///
/// Returns a clone when the size is unchanged, an empty frame when either target side is zero, and
/// a black frame when `frame` is malformed.
pub fn scale(frame: &VideoFrame, width: u32, height: u32) -> VideoFrame {
    if frame.width == width && frame.height == height {
        return frame.clone();
    }
    if !frame.is_well_formed() || frame.width == 0 || frame.height == 0 {
        return VideoFrame::black(width, height);
    }
    let (scw, sch) = chroma_size(frame.width, frame.height);
    let (dcw, dch) = chroma_size(width, height);
    VideoFrame {
        width,
        height,
        y: scale_plane(&frame.y, frame.width as usize, frame.height as usize, width as usize, height as usize),
        u: scale_plane(&frame.u, scw, sch, dcw, dch),
        v: scale_plane(&frame.v, scw, sch, dcw, dch),
    }
}

/// Source index pairs and 8-bit weights of the second one, for each destination coordinate.
fn bilinear_taps(src: usize, dst: usize) -> Vec<(usize, usize, u32)> {
    let ratio = src as f64 / dst as f64;
    (0..dst)
        .map(|d| {
            let pos = ((d as f64 + 0.5) * ratio - 0.5).clamp(0.0, (src - 1) as f64);
            let i0 = pos.floor() as usize;
            let i1 = (i0 + 1).min(src - 1);
            let weight = ((pos - i0 as f64) * 256.0).round() as u32;
            (i0, i1, weight)
        })
        .collect()
}

/// Bilinear resize of one packed plane. `src` holds exactly `sw * sh` bytes, both non-zero.
fn scale_plane(src: &[u8], sw: usize, sh: usize, dw: usize, dh: usize) -> Vec<u8> {
    let mut out = vec![0u8; dw * dh];
    if dw == 0 || dh == 0 {
        return out;
    }
    let xs = bilinear_taps(sw, dw);
    let ys = bilinear_taps(sh, dh);
    for (dy, &(y0, y1, wy)) in ys.iter().enumerate() {
        let (r0, r1) = (&src[y0 * sw..(y0 + 1) * sw], &src[y1 * sw..(y1 + 1) * sw]);
        for (dx, &(x0, x1, wx)) in xs.iter().enumerate() {
            let top = u32::from(r0[x0]) * (256 - wx) + u32::from(r0[x1]) * wx;
            let bottom = u32::from(r1[x0]) * (256 - wx) + u32::from(r1[x1]) * wx;
            out[dy * dw + dx] = ((top * (256 - wy) + bottom * wy + (1 << 15)) >> 16) as u8;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A frame whose planes hold distinct, position-dependent values.
    fn textured(width: u32, height: u32) -> VideoFrame {
        let mut f = VideoFrame::black(width, height);
        for (i, p) in f.y.iter_mut().enumerate() {
            *p = (i * 7 % 251) as u8;
        }
        for (i, p) in f.u.iter_mut().enumerate() {
            *p = (i * 13 % 241) as u8;
        }
        for (i, p) in f.v.iter_mut().enumerate() {
            *p = (i * 29 % 239) as u8;
        }
        f
    }

    /// Writes rows of `row_bytes` from `src` with `stride`, padding with 0xAA.
    fn pad_rows(src: &[u8], row_bytes: usize, stride: usize, out: &mut Vec<u8>) {
        for row in src.chunks_exact(row_bytes) {
            out.extend_from_slice(row);
            out.extend(std::iter::repeat_n(0xAA, stride - row_bytes));
        }
    }

    /// A smooth RGB image (packed R, G, B).
    fn smooth_rgb(w: usize, h: usize) -> Vec<u8> {
        let mut rgb = Vec::with_capacity(w * h * 3);
        for y in 0..h {
            for x in 0..w {
                rgb.push((x * 255 / (w - 1)) as u8);
                rgb.push((y * 255 / (h - 1)) as u8);
                rgb.push(((x + y) * 255 / (w + h - 2)) as u8);
            }
        }
        rgb
    }

    /// Packs an RGB image into `format` with the given stride (0 = packed).
    fn pack_rgb(rgb: &[u8], w: usize, format: PixelFormat, stride: usize) -> Vec<u8> {
        let (bpp, [ro, go, bo]) = format.rgb_layout().unwrap();
        let stride = if stride == 0 { w * bpp } else { stride };
        let mut out = Vec::new();
        for row in rgb.chunks_exact(w * 3) {
            let start = out.len();
            for px in row.chunks_exact(3) {
                let mut p = [0x5Au8; 4];
                p[ro] = px[0];
                p[go] = px[1];
                p[bo] = px[2];
                out.extend_from_slice(&p[..bpp]);
            }
            out.resize(start + stride, 0xAA);
        }
        out
    }

    const RGB_FORMATS: [PixelFormat; 6] = [
        PixelFormat::Bgra32,
        PixelFormat::Rgba32,
        PixelFormat::Argb32,
        PixelFormat::Abgr32,
        PixelFormat::Bgr24,
        PixelFormat::Rgb24,
    ];

    #[test]
    fn black_frame_has_packed_plane_sizes() {
        let f = VideoFrame::black(5, 3);
        assert_eq!((f.y.len(), f.u.len(), f.v.len()), (15, 6, 6));
        assert_eq!((f.stride_y(), f.stride_uv(), f.chroma_height()), (5, 3, 2));
        assert!(f.is_well_formed());
        assert!(f.y.iter().all(|&p| p == 16) && f.u.iter().chain(&f.v).all(|&p| p == 128));
    }

    #[test]
    fn from_zego_maps_every_value() {
        for v in 1..=10 {
            assert_eq!(PixelFormat::from_zego(v).unwrap().to_zego(), v);
        }
        for v in [0, 11, -1, i32::MAX, i32::MIN] {
            assert_eq!(PixelFormat::from_zego(v), None);
        }
    }

    #[test]
    fn i420_round_trips_with_custom_strides() {
        for (w, h) in [(64u32, 48u32), (37, 21), (1, 1)] {
            let f = textured(w, h);
            let (cw, _) = chroma_size(w, h);
            let strides = [w as usize + 13, cw + 3, cw + 7];
            let mut data = Vec::new();
            pad_rows(&f.y, w as usize, strides[0], &mut data);
            pad_rows(&f.u, cw, strides[1], &mut data);
            pad_rows(&f.v, cw, strides[2], &mut data);
            let s = [strides[0] as i32, strides[1] as i32, strides[2] as i32, 0];
            assert_eq!(convert_to_i420(&data, PixelFormat::I420, w, h, s).unwrap(), f);
            // Packed (stride 0) too.
            let packed = [f.y.clone(), f.u.clone(), f.v.clone()].concat();
            assert_eq!(convert_to_i420(&packed, PixelFormat::I420, w, h, [0; 4]).unwrap(), f);
        }
    }

    #[test]
    fn nv12_and_nv21_round_trip_with_custom_strides() {
        for (w, h) in [(64u32, 48u32), (37, 21)] {
            let f = textured(w, h);
            let (cw, _) = chroma_size(w, h);
            for format in [PixelFormat::Nv12, PixelFormat::Nv21] {
                let (sy, suv) = (w as usize + 9, 2 * cw + 5);
                let mut data = Vec::new();
                pad_rows(&f.y, w as usize, sy, &mut data);
                let mut uv = Vec::new();
                for (u, v) in f.u.iter().zip(&f.v) {
                    if format == PixelFormat::Nv12 {
                        uv.extend_from_slice(&[*u, *v]);
                    } else {
                        uv.extend_from_slice(&[*v, *u]);
                    }
                }
                pad_rows(&uv, 2 * cw, suv, &mut data);
                let got = convert_to_i420(&data, format, w, h, [sy as i32, suv as i32, 0, 0]).unwrap();
                assert_eq!(got, f, "{format:?} {w}x{h}");
            }
        }
    }

    #[test]
    fn i422_round_trips_when_chroma_rows_repeat() {
        let (w, h) = (38u32, 21u32);
        let f = textured(w, h);
        let (cw, _) = chroma_size(w, h);
        let stride = cw + 4;
        let mut data = Vec::new();
        pad_rows(&f.y, w as usize, w as usize, &mut data);
        for plane in [&f.u, &f.v] {
            let mut rows = Vec::new();
            for y in 0..h as usize {
                rows.extend_from_slice(&plane[(y / 2) * cw..(y / 2 + 1) * cw]);
            }
            pad_rows(&rows, cw, stride, &mut data);
        }
        let got = convert_to_i420(&data, PixelFormat::I422, w, h, [0, stride as i32, stride as i32, 0]).unwrap();
        assert_eq!(got, f);
    }

    #[test]
    fn rgb_formats_round_trip_within_tolerance() {
        for (w, h) in [(64usize, 48usize), (37, 21)] {
            let rgb = smooth_rgb(w, h);
            let mut first: Option<VideoFrame> = None;
            for format in RGB_FORMATS {
                let (bpp, _) = format.rgb_layout().unwrap();
                let stride = w * bpp + 12;
                let data = pack_rgb(&rgb, w, format, stride);
                let f = convert_to_i420(&data, format, w as u32, h as u32, [stride as i32, 0, 0, 0]).unwrap();
                assert!(f.is_well_formed());
                let back = to_rgb24(&f);
                let worst = rgb.iter().zip(&back).map(|(a, b)| (i32::from(*a) - i32::from(*b)).abs()).max().unwrap();
                assert!(worst <= 12, "{format:?} {w}x{h}: worst channel error {worst}");
                // Every RGB layout of the same image gives the same I420 frame.
                match &first {
                    None => first = Some(f),
                    Some(g) => assert_eq!(&f, g, "{format:?}"),
                }
            }
        }
    }

    #[test]
    fn rgb_reference_colours_use_bt601_limited_range() {
        let cases = [([255u8, 255, 255], [235u8, 128, 128]), ([0, 0, 0], [16, 128, 128]), ([255, 0, 0], [82, 90, 240])];
        for (rgb, yuv) in cases {
            let data: Vec<u8> = rgb.iter().copied().cycle().take(4 * 4 * 3).collect();
            let f = convert_to_i420(&data, PixelFormat::Rgb24, 4, 4, [0; 4]).unwrap();
            for (got, want) in [f.y[5], f.u[1], f.v[1]].into_iter().zip(yuv) {
                assert!((i32::from(got) - i32::from(want)).abs() <= 1, "{rgb:?}: got {got}, want {want}");
            }
        }
    }

    #[test]
    fn bad_buffers_are_errors() {
        let (w, h) = (16u32, 8u32);
        let needed = 16 * 8 + 2 * 8 * 4;
        let data = vec![0u8; needed];
        assert!(convert_to_i420(&data, PixelFormat::I420, w, h, [0; 4]).is_ok());
        assert_eq!(
            convert_to_i420(&data[..needed - 1], PixelFormat::I420, w, h, [0; 4]),
            Err(FrameError::BufferTooSmall { needed, actual: needed - 1 })
        );
        assert_eq!(
            convert_to_i420(&data, PixelFormat::I420, w, h, [15, 0, 0, 0]),
            Err(FrameError::InvalidStride { plane: 0, stride: 15, min: 16 })
        );
        assert!(matches!(
            convert_to_i420(&data, PixelFormat::Nv12, w, h, [0, -16, 0, 0]),
            Err(FrameError::InvalidStride { plane: 1, .. })
        ));
        assert!(matches!(
            convert_to_i420(&data, PixelFormat::Bgra32, w, h, [0; 4]),
            Err(FrameError::BufferTooSmall { .. })
        ));
        assert!(matches!(
            convert_to_i420(&data, PixelFormat::I420, w, h, [i32::MAX; 4]),
            Err(FrameError::BufferTooSmall { .. })
        ));
        for (bw, bh) in [(0, 8), (16, 0), (MAX_DIMENSION + 1, 8)] {
            assert_eq!(
                convert_to_i420(&data, PixelFormat::I420, bw, bh, [0; 4]),
                Err(FrameError::InvalidSize { width: bw, height: bh })
            );
        }
        assert!(matches!(
            convert_to_i420(&[], PixelFormat::Rgb24, 1, 1, [0; 4]),
            Err(FrameError::BufferTooSmall { .. })
        ));
    }

    #[test]
    fn last_row_of_last_plane_needs_no_padding() {
        // 4x2 RGB24 with stride 16: rows at 0 and 16, the second needs only 12 bytes.
        let data = vec![0u8; 28];
        assert!(convert_to_i420(&data, PixelFormat::Rgb24, 4, 2, [16, 0, 0, 0]).is_ok());
        assert!(convert_to_i420(&data[..27], PixelFormat::Rgb24, 4, 2, [16, 0, 0, 0]).is_err());
    }

    #[test]
    fn scale_keeps_flat_colour_and_sizes() {
        let mut f = VideoFrame::black(64, 36);
        f.y.fill(100);
        f.u.fill(60);
        f.v.fill(200);
        for (w, h) in [(32, 18), (127, 71), (1, 1), (64, 36)] {
            let s = scale(&f, w, h);
            assert!(s.is_well_formed(), "{w}x{h}");
            assert!(s.y.iter().all(|&p| p == 100) && s.u.iter().all(|&p| p == 60) && s.v.iter().all(|&p| p == 200));
        }
        assert_eq!(scale(&f, 0, 10).y.len(), 0);
    }

    #[test]
    fn scale_interpolates_a_gradient() {
        let mut f = VideoFrame::black(8, 2);
        for y in 0..2 {
            for x in 0..8 {
                f.y[y * 8 + x] = (x * 32) as u8;
            }
        }
        let s = scale(&f, 4, 2);
        // Downscaling by 2 averages neighbouring pairs: (0+32)/2, (64+96)/2, ...
        assert_eq!(&s.y[..4], &[16, 80, 144, 208]);
        let up = scale(&s, 8, 2);
        assert!(up.y[..8].windows(2).all(|p| p[0] <= p[1]), "{:?}", &up.y[..8]);
    }

    #[test]
    fn scale_of_malformed_frame_is_black() {
        let f = VideoFrame { width: 4, height: 4, y: vec![1; 3], u: vec![], v: vec![] };
        assert_eq!(scale(&f, 2, 2), VideoFrame::black(2, 2));
        assert_eq!(to_rgb24(&f).len(), 4 * 4 * 3);
    }

    #[test]
    fn strided_planes_are_copied_and_short_planes_do_not_panic() {
        let f = textured(10, 6);
        let mut y = Vec::new();
        pad_rows(&f.y, 10, 16, &mut y);
        let mut u = Vec::new();
        pad_rows(&f.u, 5, 8, &mut u);
        let mut v = Vec::new();
        pad_rows(&f.v, 5, 8, &mut v);
        assert_eq!(i420_planes_from_strided(&y, 16, &u, 8, &v, 8, 10, 6), f);
        let short = i420_planes_from_strided(&y[..20], 16, &[], 8, &v, 0, 10, 6);
        assert!(short.is_well_formed());
        assert_eq!(&short.y[..10], &f.y[..10]);
    }

    proptest! {
        #[test]
        fn convert_never_panics(
            data in proptest::collection::vec(any::<u8>(), 0..4096),
            format in 1i32..=10,
            width in 0u32..70,
            height in 0u32..70,
            strides in proptest::array::uniform4(-8i32..400),
        ) {
            let format = PixelFormat::from_zego(format).unwrap();
            if let Ok(f) = convert_to_i420(&data, format, width, height, strides) {
                prop_assert!(f.is_well_formed());
                prop_assert_eq!((f.width, f.height), (width, height));
            }
        }

        #[test]
        fn strided_copy_never_panics(
            y in proptest::collection::vec(any::<u8>(), 0..512),
            sy in 0usize..40,
            su in 0usize..40,
            width in 0u32..30,
            height in 0u32..30,
        ) {
            let f = i420_planes_from_strided(&y, sy, &y, su, &[], 0, width, height);
            prop_assert!(f.is_well_formed());
        }
    }
}
