// media_checks.h: what the media examples read out of frames and audio, with no library:
// the test-pattern stamp (DESIGN.md section 7), I420 -> RGB (BT.601 limited range) and back to
// luma, and a Goertzel frequency scan.
#ifndef ZEGO_EXAMPLES_MEDIA_CHECKS_H
#define ZEGO_EXAMPLES_MEDIA_CHECKS_H

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace media {

const double kPi = 3.14159265358979323846;

// ---------------------------------------------------------------------------------------------
// The stamp: 2 rows of 32 cells of 8x8 pixels from (0,0). Row 0 = frame index, row 1 = low 32
// bits of the capture time in UNIX ms, most significant bit first (cell x = 8 * bit). A reader
// averages each cell's central 4x4 pixels and thresholds at 128.
// ---------------------------------------------------------------------------------------------

const int kStampCell = 8;
const int kStampBits = 32;
const int kStampMinWidth = kStampCell * kStampBits;  // 256
const int kStampMinHeight = 2 * kStampCell;           // 16

struct Stamp {
    uint32_t index = 0;
    uint32_t captureTimeMs = 0;  // low 32 bits of UNIX milliseconds
};

/*
 * Reads the stamp from a luma plane (`stride` bytes per row, at least `height` rows). Returns
 * false when the frame is too small to carry one (or the arguments are inconsistent).
 */
inline bool readStamp(const uint8_t *luma, int stride, int width, int height, Stamp &stamp) {
    if (!luma || width < kStampMinWidth || height < kStampMinHeight || stride < kStampMinWidth) {
        return false;
    }
    uint32_t values[2] = {0, 0};
    for (int row = 0; row < 2; ++row) {
        for (int bit = 0; bit < kStampBits; ++bit) {
            unsigned sum = 0;
            for (int y = row * kStampCell + 2; y < row * kStampCell + 6; ++y) {
                const uint8_t *p = luma + static_cast<ptrdiff_t>(y) * stride + bit * kStampCell + 2;
                sum += static_cast<unsigned>(p[0]) + p[1] + p[2] + p[3];
            }
            values[row] = (values[row] << 1) | (sum / 16 >= 128 ? 1u : 0u);
        }
    }
    stamp.index = values[0];
    stamp.captureTimeMs = values[1];
    return true;
}

// ---------------------------------------------------------------------------------------------
// Colour: BT.601, limited range (Y 16..235, Cb/Cr 16..240), fixed point.
// ---------------------------------------------------------------------------------------------

inline uint8_t clampByte(int v) { return static_cast<uint8_t>(v < 0 ? 0 : (v > 255 ? 255 : v)); }

/*
 * I420 planes (strides in bytes) -> packed RGB24, width * height * 3 bytes, top row first.
 * Chroma is sampled at (x/2, y/2).
 */
inline std::vector<uint8_t> i420ToRgb(const uint8_t *y, int strideY, const uint8_t *u, int strideU, const uint8_t *v,
                                      int strideV, int width, int height) {
    std::vector<uint8_t> rgb(static_cast<size_t>(width) * height * 3);
    size_t o = 0;
    for (int row = 0; row < height; ++row) {
        const uint8_t *py = y + static_cast<ptrdiff_t>(row) * strideY;
        const uint8_t *pu = u + static_cast<ptrdiff_t>(row / 2) * strideU;
        const uint8_t *pv = v + static_cast<ptrdiff_t>(row / 2) * strideV;
        for (int x = 0; x < width; ++x) {
            const int c = 298 * (py[x] - 16);
            const int d = pu[x / 2] - 128;
            const int e = pv[x / 2] - 128;
            // (n + 128) / 256 with n clamped at 0 first: no right shift of negative numbers.
            const int r = c + 409 * e + 128;
            const int g = c - 100 * d - 208 * e + 128;
            const int b = c + 516 * d + 128;
            rgb[o++] = clampByte(r < 0 ? 0 : r / 256);
            rgb[o++] = clampByte(g < 0 ? 0 : g / 256);
            rgb[o++] = clampByte(b < 0 ? 0 : b / 256);
        }
    }
    return rgb;
}

/* Packed RGB24 -> BT.601 limited-range luma (the inverse of i420ToRgb's luma). */
inline std::vector<uint8_t> rgbToLuma(const std::vector<uint8_t> &rgb, int width, int height) {
    std::vector<uint8_t> luma(static_cast<size_t>(width) * height);
    for (size_t i = 0; i < luma.size(); ++i) {
        const int r = rgb[3 * i], g = rgb[3 * i + 1], b = rgb[3 * i + 2];
        luma[i] = clampByte((66 * r + 129 * g + 25 * b + 128) / 256 + 16);
    }
    return luma;
}

// ---------------------------------------------------------------------------------------------
// Audio: Goertzel power at one frequency (Hann window), and a scan for the strongest one.
// ---------------------------------------------------------------------------------------------

inline double goertzelPower(const std::vector<double> &x, double sampleRate, double hz) {
    const double coeff = 2.0 * std::cos(2.0 * kPi * hz / sampleRate);
    double s1 = 0.0, s2 = 0.0;
    for (double sample : x) {
        const double s0 = sample + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    return s1 * s1 + s2 * s2 - coeff * s1 * s2;
}

/* The last `count` samples of `pcm` (mono), Hann-windowed, as doubles in [-1, 1). */
inline std::vector<double> windowed(const std::vector<int16_t> &pcm, size_t count) {
    const size_t n = count < pcm.size() ? count : pcm.size();
    std::vector<double> x(n);
    const size_t first = pcm.size() - n;
    for (size_t i = 0; i < n; ++i) {
        const double w = n > 1 ? 0.5 - 0.5 * std::cos(2.0 * kPi * static_cast<double>(i) / static_cast<double>(n - 1)) : 1.0;
        x[i] = w * pcm[first + i] / 32768.0;
    }
    return x;
}

/*
 * The strongest frequency of mono `pcm` in [loHz, hiHz]: a 2 Hz scan over the last 0.25 s, then
 * a 0.1 Hz scan of +-4 Hz around the best over the last second (or what there is).
 */
inline double dominantFrequency(const std::vector<int16_t> &pcm, double sampleRate, double loHz, double hiHz) {
    if (pcm.size() < 2 || hiHz < loHz) {
        return loHz;
    }
    const std::vector<double> coarse = windowed(pcm, static_cast<size_t>(sampleRate / 4));
    double best = loHz, bestPower = -1.0;
    for (double hz = loHz; hz <= hiHz; hz += 2.0) {
        const double p = goertzelPower(coarse, sampleRate, hz);
        if (p > bestPower) {
            best = hz;
            bestPower = p;
        }
    }
    const std::vector<double> fine = windowed(pcm, static_cast<size_t>(sampleRate));
    const double center = best;
    bestPower = -1.0;
    for (int i = -40; i <= 40; ++i) {
        const double hz = center + i * 0.1;
        if (hz < loHz || hz > hiHz) {
            continue;
        }
        const double p = goertzelPower(fine, sampleRate, hz);
        if (p > bestPower) {
            best = hz;
            bestPower = p;
        }
    }
    return best;
}

/* RMS level in dBFS (full-scale square wave = 0 dBFS); -inf for silence. */
inline double rmsDbfs(const std::vector<int16_t> &pcm, size_t lastCount) {
    const size_t n = lastCount < pcm.size() ? lastCount : pcm.size();
    double sum = 0.0;
    for (size_t i = pcm.size() - n; i < pcm.size(); ++i) {
        sum += static_cast<double>(pcm[i]) * pcm[i];
    }
    return n == 0 || sum == 0.0 ? -std::numeric_limits<double>::infinity() : 10.0 * std::log10(sum / n / (32768.0 * 32768.0));
}

}  // namespace media

#endif
