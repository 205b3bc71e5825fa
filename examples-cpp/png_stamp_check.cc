// png_stamp_check: verifies the PNG that video_call wrote.
//
//   png_stamp_check <file.png> [width height] [--index N]
//
// Decodes the file with the reader of common/png_stored.h (stored deflate blocks only, every CRC
// and the Adler-32 checked), converts RGB to BT.601 luma and reads the test-pattern stamp of
// DESIGN.md section 7 (2 rows x 32 cells of 8x8 pixels, the central 4x4 pixels of each averaged
// and thresholded at 128; row 0 = frame index, row 1 = capture time). Passes (exit 0) when the
// image is width x height (default 640x360), the stamp's frame index is above 0, and, with
// --index, equal to N. Needs no library.
#include "common/media_checks.h"
#include "common/png_stored.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

bool parseUnsigned(const char *text, unsigned long &value) {
    char *end = nullptr;
    value = std::strtoul(text, &end, 10);
    return end && end != text && *end == '\0';
}

int usage() {
    std::fprintf(stderr, "usage: png_stamp_check <file.png> [width height] [--index N]\n");
    return 2;
}

}  // namespace

int main(int argc, char **argv) {
    std::string path;
    unsigned long wantWidth = 640, wantHeight = 360, wantIndex = 0;
    bool checkIndex = false;
    std::vector<std::string> sizes;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--index" && i + 1 < argc) {
            if (!parseUnsigned(argv[++i], wantIndex)) {
                return usage();
            }
            checkIndex = true;
        } else if (path.empty()) {
            path = arg;
        } else {
            sizes.push_back(arg);
        }
    }
    if (path.empty() || (sizes.size() != 0 && sizes.size() != 2)) {
        return usage();
    }
    if (sizes.size() == 2 &&
        (!parseUnsigned(sizes[0].c_str(), wantWidth) || !parseUnsigned(sizes[1].c_str(), wantHeight))) {
        return usage();
    }

    std::vector<uint8_t> file;
    if (!png::readFile(path, file)) {
        std::printf("png_stamp_check: FAIL: cannot read %s\n", path.c_str());
        return 1;
    }
    png::Image image;
    const std::string error = png::decodeRgb(file, image);
    if (!error.empty()) {
        std::printf("png_stamp_check: FAIL: %s: %s\n", path.c_str(), error.c_str());
        return 1;
    }
    std::printf("png_stamp_check: %s: %zu bytes, %ux%u RGB, CRCs and Adler-32 good\n", path.c_str(), file.size(),
                image.width, image.height);

    const int w = static_cast<int>(image.width), h = static_cast<int>(image.height);
    const std::vector<uint8_t> luma = media::rgbToLuma(image.rgb, w, h);
    media::Stamp stamp;
    const bool haveStamp = media::readStamp(luma.data(), w, w, h, stamp);
    if (haveStamp) {
        std::printf("png_stamp_check: stamp: frame index %u, capture time %u (low 32 bits of UNIX ms)\n", stamp.index,
                    stamp.captureTimeMs);
    }

    std::vector<std::string> failures;
    if (image.width != wantWidth || image.height != wantHeight) {
        failures.push_back("size " + std::to_string(image.width) + "x" + std::to_string(image.height) + ", want " +
                           std::to_string(wantWidth) + "x" + std::to_string(wantHeight));
    }
    if (!haveStamp) {
        failures.push_back("no stamp (image smaller than 256x16)");
    } else if (stamp.index == 0) {
        failures.push_back("stamp frame index is 0");
    } else if (checkIndex && stamp.index != wantIndex) {
        failures.push_back("stamp frame index " + std::to_string(stamp.index) + ", want " + std::to_string(wantIndex));
    }
    if (!failures.empty()) {
        for (const std::string &f : failures) {
            std::printf("png_stamp_check: FAIL: %s\n", f.c_str());
        }
        return 1;
    }
    std::printf("png_stamp_check: PASS\n");
    return 0;
}
