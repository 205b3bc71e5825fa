//! A virtual camera: stamped test-pattern frames at a fixed rate, in real time.

use crate::media::frame::VideoFrame;
use crate::media::pattern::draw_test_pattern;
use crate::media::stamp::draw_stamp;
use crate::media::unix_time_ms;
use crate::media::worker::PacedWorker;
use std::io;
use std::time::Duration;

/// Name of the camera's thread.
pub const THREAD_NAME: &str = "zego-vcam";

/// A running virtual camera. Stopping or dropping it stops its thread and joins it promptly.
#[derive(Debug)]
pub struct VirtualCamera {
    worker: PacedWorker,
    width: u32,
    height: u32,
    fps: u32,
}

impl VirtualCamera {
    /// Starts producing `width` x `height` frames at `fps` on a new thread named [`THREAD_NAME`].
    ///
    /// Each frame carries the moving test pattern and the stamp (DESIGN.md section 7) with its index
    /// and capture time; `on_frame(frame, index, unix_ms)` runs on the camera thread, so it should
    /// hand the frame off rather than encode it in place when the rate matters. Frames are paced on
    /// a drift-free grid; if the callback overruns, frames are skipped (indexes still count up by
    /// one per delivered frame). Errors: `InvalidInput` for a zero size, a size above
    /// [`crate::media::frame::MAX_DIMENSION`] or fps outside 1..=240; otherwise any thread-spawn error.
    pub fn start(
        width: u32,
        height: u32,
        fps: u32,
        mut on_frame: impl FnMut(VideoFrame, u64, u64) + Send + 'static,
    ) -> io::Result<Self> {
        let max = crate::media::frame::MAX_DIMENSION;
        if width == 0 || height == 0 || width > max || height > max || !(1..=240).contains(&fps) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("virtual camera: invalid size {width}x{height} or fps {fps}"),
            ));
        }
        let period = Duration::from_secs(1) / fps;
        let worker = PacedWorker::spawn(THREAD_NAME, period, move |index| {
            let captured = unix_time_ms();
            let mut frame = VideoFrame::black(width, height);
            draw_test_pattern(&mut frame, index);
            draw_stamp(&mut frame, index as u32, captured as u32);
            on_frame(frame, index, captured);
        })?;
        Ok(Self { worker, width, height, fps })
    }

    /// Frame size as `(width, height)`.
    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// Frames per second.
    pub fn fps(&self) -> u32 {
        self.fps
    }

    /// Stops the camera and joins its thread (the same as dropping it).
    pub fn stop(mut self) {
        self.worker.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::stamp::read_frame_stamp;
    use parking_lot::Mutex;
    use std::sync::{mpsc, Arc};
    use std::time::Instant;

    #[test]
    fn delivers_stamped_frames_in_order() {
        let (tx, rx) = mpsc::channel();
        let cam = VirtualCamera::start(320, 180, 50, move |frame, index, ms| {
            let _ = tx.send((frame, index, ms, std::thread::current().name().map(str::to_owned)));
        })
        .unwrap();
        let mut got = Vec::new();
        while got.len() < 5 {
            got.push(rx.recv_timeout(Duration::from_secs(10)).expect("camera delivers frames"));
        }
        cam.stop();
        for (i, (frame, index, ms, thread)) in got.iter().enumerate() {
            assert_eq!(*index, i as u64);
            assert_eq!((frame.width, frame.height), (320, 180));
            let stamp = read_frame_stamp(frame).unwrap();
            assert_eq!(stamp.index, i as u32);
            assert_eq!(stamp.capture_time_ms, *ms as u32);
            assert_eq!(thread.as_deref(), Some(THREAD_NAME));
        }
        assert_ne!(got[0].0.y, got[1].0.y);
    }

    #[test]
    fn stop_is_prompt_even_at_a_low_rate() {
        let (tx, rx) = mpsc::channel();
        let cam = VirtualCamera::start(256, 16, 1, move |_, index, _| {
            let _ = tx.send(index);
        })
        .unwrap();
        assert_eq!(rx.recv_timeout(Duration::from_secs(10)).unwrap(), 0);
        let begin = Instant::now();
        drop(cam);
        // The next frame would be a second away; stopping must not wait for it.
        assert!(begin.elapsed() < Duration::from_millis(900), "{:?}", begin.elapsed());
    }

    #[test]
    fn can_be_dropped_from_its_own_callback() {
        let holder: Arc<Mutex<Option<VirtualCamera>>> = Arc::new(Mutex::new(None));
        let (tx, rx) = mpsc::channel();
        let inner = Arc::clone(&holder);
        let cam = VirtualCamera::start(256, 16, 100, move |_, index, _| {
            let _ = tx.send(index);
            if index >= 2 {
                // Dropping on the camera thread must not try to join that thread.
                drop(inner.lock().take());
            }
        })
        .unwrap();
        *holder.lock() = Some(cam);
        let got: Vec<u64> = rx.iter().collect(); // ends when the thread exits and drops `tx`
        assert!(got.len() >= 3 && got.iter().copied().eq(0..got.len() as u64), "{got:?}");
        assert!(holder.lock().is_none());
    }

    #[test]
    fn rejects_bad_parameters() {
        for (w, h, fps) in [(0, 10, 30), (10, 0, 30), (10, 10, 0), (10, 10, 1000), (20_000, 10, 30)] {
            let err = VirtualCamera::start(w, h, fps, |_, _, _| {}).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        }
    }
}
