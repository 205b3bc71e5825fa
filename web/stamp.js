// Reads the test-pattern stamp (DESIGN.md section 7) from a playing <video>:
// 2 rows of 32 cells of 8x8 pixels at the top left; row 0 holds the frame
// index, row 1 the low 32 bits of the capture time in UNIX milliseconds, most
// significant bit first. A cell is a 1 when the average luma of its central
// 4x4 pixels is at least 128. The virtual camera of native engines draws it.

const CELL = 8;
const BITS = 32;
const WIDTH = CELL * BITS;
const HEIGHT = 2 * CELL;

/// Returns {index, captureTimeMs} read from the frame the video shows now,
/// or null when the video is smaller than 256x16. `canvas` is reused.
export function readStamp(video, canvas) {
  if (video.videoWidth < WIDTH || video.videoHeight < HEIGHT) return null;
  canvas.width = WIDTH;
  canvas.height = HEIGHT;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  // Source rectangle in the video's own pixels: no scaling of the stamp.
  ctx.drawImage(video, 0, 0, WIDTH, HEIGHT, 0, 0, WIDTH, HEIGHT);
  const { data } = ctx.getImageData(0, 0, WIDTH, HEIGHT);
  const values = [0, 0];
  for (let row = 0; row < 2; row++) {
    let value = 0;
    for (let bit = 0; bit < BITS; bit++) {
      let sum = 0;
      for (let y = row * CELL + 2; y < row * CELL + 6; y++) {
        for (let x = bit * CELL + 2; x < bit * CELL + 6; x++) {
          const i = 4 * (y * WIDTH + x);
          // BT.601 limited-range luma from the decoder's full-range RGB.
          sum += 16 + (65.481 * data[i] + 128.553 * data[i + 1] + 24.966 * data[i + 2]) / 255;
        }
      }
      value = value * 2 + (sum / 16 >= 128 ? 1 : 0);
    }
    values[row] = value >>> 0;
  }
  return { index: values[0], captureTimeMs: values[1] };
}

/// Milliseconds from the stamp's capture time to now, when the stamp's time is
/// plausible (within a minute of this machine's clock); otherwise null (no
/// stamp in this video, or clocks far apart).
export function stampAgeMs(stamp) {
  if (!stamp) return null;
  const now = Date.now() % 2 ** 32;
  let age = now - stamp.captureTimeMs;
  if (age < -(2 ** 31)) age += 2 ** 32;
  if (age > 2 ** 31) age -= 2 ** 32;
  return Math.abs(age) < 60000 ? age : null;
}

/// Reads the stamp of every frame the video presents for `durationMs`
/// (requestVideoFrameCallback where available, else every 10 ms, deduplicated).
export function sampleStamps(video, durationMs) {
  const canvas = document.createElement("canvas");
  const stamps = [];
  const until = performance.now() + durationMs;
  const take = () => {
    const s = readStamp(video, canvas);
    if (!s) return;
    const last = stamps[stamps.length - 1];
    if (!last || last.index !== s.index || last.captureTimeMs !== s.captureTimeMs) {
      stamps.push({ ...s, ageMs: stampAgeMs(s), width: video.videoWidth, height: video.videoHeight });
    }
  };
  return new Promise((resolve) => {
    if (video.requestVideoFrameCallback) {
      const onFrame = () => {
        take();
        if (performance.now() < until) video.requestVideoFrameCallback(onFrame);
      };
      video.requestVideoFrameCallback(onFrame);
      setTimeout(() => resolve(stamps), durationMs + 50);
    } else {
      const timer = setInterval(() => {
        take();
        if (performance.now() >= until) {
          clearInterval(timer);
          resolve(stamps);
        }
      }, 10);
    }
  });
}
