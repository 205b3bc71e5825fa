// png_stored.h: a minimal PNG writer and the matching reader, with no library.
//
// The writer makes 8-bit RGB PNGs (colour type 2, no interlace) whose zlib stream holds only
// stored (uncompressed) deflate blocks: every row is filter byte 0 followed by the pixels, cut
// into blocks of at most 65535 bytes, then the Adler-32 of the raw data; each chunk carries its
// CRC-32. The reader accepts exactly that kind of file (plus several IDAT chunks and ancillary
// chunks, which it skips) and checks every CRC, the zlib header, LEN/NLEN and the Adler-32.
// It is not a general PNG decoder: compressed deflate blocks and row filters other than 0 are
// reported as unsupported.
#ifndef ZEGO_EXAMPLES_PNG_STORED_H
#define ZEGO_EXAMPLES_PNG_STORED_H

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace png {

struct CrcTable {
    uint32_t entries[256];

    CrcTable() {
        for (uint32_t n = 0; n < 256; ++n) {
            uint32_t c = n;
            for (int k = 0; k < 8; ++k) {
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
            entries[n] = c;
        }
    }
};

/* CRC-32 (ISO 3309, polynomial 0xEDB88320) as PNG chunks use it. */
inline uint32_t crc32(const uint8_t *data, size_t size, uint32_t crc = 0) {
    static const CrcTable table;  // thread-safe initialisation (C++11)
    crc = ~crc;
    for (size_t i = 0; i < size; ++i) {
        crc = table.entries[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
    }
    return ~crc;
}

/* Adler-32 (RFC 1950) of the uncompressed data. */
inline uint32_t adler32(const uint8_t *data, size_t size) {
    uint32_t a = 1, b = 0;
    for (size_t i = 0; i < size; ++i) {
        a = (a + data[i]) % 65521u;
        b = (b + a) % 65521u;
    }
    return (b << 16) | a;
}

inline void putBE32(std::vector<uint8_t> &out, uint32_t v) {
    out.push_back(static_cast<uint8_t>(v >> 24));
    out.push_back(static_cast<uint8_t>(v >> 16));
    out.push_back(static_cast<uint8_t>(v >> 8));
    out.push_back(static_cast<uint8_t>(v));
}

inline uint32_t getBE32(const uint8_t *p) {
    return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) |
           (static_cast<uint32_t>(p[2]) << 8) | static_cast<uint32_t>(p[3]);
}

/* Appends one chunk: length, type, data, CRC-32 of type and data. */
inline void putChunk(std::vector<uint8_t> &out, const char type[4], const std::vector<uint8_t> &data) {
    putBE32(out, static_cast<uint32_t>(data.size()));
    const size_t typeAt = out.size();
    out.insert(out.end(), type, type + 4);
    out.insert(out.end(), data.begin(), data.end());
    putBE32(out, crc32(out.data() + typeAt, 4 + data.size()));
}

/* The PNG file of an 8-bit RGB image (`rgb`: width * height * 3 bytes, rows top to bottom). */
inline std::vector<uint8_t> encodeRgb(const std::vector<uint8_t> &rgb, uint32_t width, uint32_t height) {
    // Raw scanlines: filter type 0 (None) and the row.
    const size_t rowBytes = static_cast<size_t>(width) * 3;
    std::vector<uint8_t> raw;
    raw.reserve(height * (rowBytes + 1));
    for (uint32_t y = 0; y < height; ++y) {
        raw.push_back(0);
        raw.insert(raw.end(), rgb.begin() + static_cast<std::ptrdiff_t>(y * rowBytes),
                   rgb.begin() + static_cast<std::ptrdiff_t>((y + 1) * rowBytes));
    }

    // zlib: CMF 0x78 (deflate, 32 KiB window), FLG 0x01 (check bits; no dictionary; level 0),
    // stored blocks, Adler-32 big-endian.
    std::vector<uint8_t> z;
    z.reserve(raw.size() + raw.size() / 65535 * 5 + 16);
    z.push_back(0x78);
    z.push_back(0x01);
    size_t at = 0;
    do {
        const size_t len = std::min<size_t>(65535, raw.size() - at);
        const bool final = at + len == raw.size();
        z.push_back(final ? 1 : 0);  // BFINAL, BTYPE 00 (stored), then padding to the byte boundary
        z.push_back(static_cast<uint8_t>(len & 0xFF));
        z.push_back(static_cast<uint8_t>(len >> 8));
        z.push_back(static_cast<uint8_t>(~len & 0xFF));
        z.push_back(static_cast<uint8_t>((~len >> 8) & 0xFF));
        z.insert(z.end(), raw.begin() + static_cast<std::ptrdiff_t>(at),
                 raw.begin() + static_cast<std::ptrdiff_t>(at + len));
        at += len;
    } while (at < raw.size());
    putBE32(z, adler32(raw.data(), raw.size()));

    std::vector<uint8_t> out = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    std::vector<uint8_t> ihdr;
    putBE32(ihdr, width);
    putBE32(ihdr, height);
    ihdr.push_back(8);  // bit depth
    ihdr.push_back(2);  // colour type: RGB
    ihdr.push_back(0);  // compression: deflate
    ihdr.push_back(0);  // filter method 0
    ihdr.push_back(0);  // no interlace
    putChunk(out, "IHDR", ihdr);
    putChunk(out, "IDAT", z);
    putChunk(out, "IEND", std::vector<uint8_t>());
    return out;
}

inline bool writeFile(const std::string &path, const std::vector<uint8_t> &bytes) {
    FILE *file = std::fopen(path.c_str(), "wb");
    if (!file) {
        return false;
    }
    const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
    return std::fclose(file) == 0 && ok;
}

inline bool readFile(const std::string &path, std::vector<uint8_t> &bytes) {
    FILE *file = std::fopen(path.c_str(), "rb");
    if (!file) {
        return false;
    }
    bytes.clear();
    uint8_t buffer[65536];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) {
        bytes.insert(bytes.end(), buffer, buffer + n);
    }
    const bool ok = !std::ferror(file);
    std::fclose(file);
    return ok;
}

/* A decoded image: 8-bit RGB, rows top to bottom. */
struct Image {
    uint32_t width = 0;
    uint32_t height = 0;
    std::vector<uint8_t> rgb;
};

/*
 * Decodes a PNG as encodeRgb writes it. Returns "" on success, else what is wrong (or
 * unsupported) with the file.
 */
inline std::string decodeRgb(const std::vector<uint8_t> &file, Image &image) {
    static const uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (file.size() < 8 || !std::equal(signature, signature + 8, file.begin())) {
        return "not a PNG (bad signature)";
    }
    std::vector<uint8_t> z;
    bool sawHeader = false, sawEnd = false;
    size_t at = 8;
    while (!sawEnd) {
        if (file.size() - at < 12) {
            return "truncated chunk at byte " + std::to_string(at);
        }
        const uint32_t length = getBE32(&file[at]);
        if (length > file.size() - at - 12) {
            return "chunk length past the end of the file at byte " + std::to_string(at);
        }
        const std::string type(reinterpret_cast<const char *>(&file[at + 4]), 4);
        const uint8_t *data = &file[at + 8];
        if (crc32(&file[at + 4], 4 + length) != getBE32(data + length)) {
            return "CRC mismatch in chunk " + type;
        }
        if (type == "IHDR") {
            if (length != 13) {
                return "IHDR of length " + std::to_string(length);
            }
            image.width = getBE32(data);
            image.height = getBE32(data + 4);
            if (data[8] != 8 || data[9] != 2 || data[10] != 0 || data[11] != 0 || data[12] != 0) {
                return "unsupported IHDR (want 8-bit RGB, deflate, filter 0, no interlace)";
            }
            if (image.width == 0 || image.height == 0 || image.width > 16384 || image.height > 16384) {
                return "unsupported size " + std::to_string(image.width) + "x" + std::to_string(image.height);
            }
            sawHeader = true;
        } else if (type == "IDAT") {
            z.insert(z.end(), data, data + length);
        } else if (type == "IEND") {
            sawEnd = true;
        } else if (!(type[0] & 0x20)) {
            return "unknown critical chunk " + type;
        }
        at += 12 + length;
    }
    if (!sawHeader) {
        return "no IHDR";
    }

    // zlib header.
    if (z.size() < 6) {
        return "zlib stream too short";
    }
    if ((z[0] & 0x0F) != 8 || (z[0] * 256u + z[1]) % 31 != 0 || (z[1] & 0x20)) {
        return "bad zlib header";
    }
    // Stored deflate blocks only: each starts on a byte boundary.
    std::vector<uint8_t> raw;
    size_t p = 2;
    bool final = false;
    while (!final) {
        if (z.size() - p < 5) {
            return "truncated deflate block";
        }
        final = z[p] & 1;
        if (((z[p] >> 1) & 3) != 0) {
            return "compressed deflate block (only stored blocks are supported)";
        }
        const unsigned len = z[p + 1] | (z[p + 2] << 8);
        const unsigned nlen = z[p + 3] | (z[p + 4] << 8);
        if ((len ^ 0xFFFFu) != nlen) {
            return "stored block LEN/NLEN mismatch";
        }
        p += 5;
        if (z.size() - p < len) {
            return "truncated stored block";
        }
        raw.insert(raw.end(), z.begin() + static_cast<std::ptrdiff_t>(p), z.begin() + static_cast<std::ptrdiff_t>(p + len));
        p += len;
    }
    if (z.size() - p < 4 || getBE32(&z[p]) != adler32(raw.data(), raw.size())) {
        return "Adler-32 mismatch (or missing)";
    }

    const size_t rowBytes = static_cast<size_t>(image.width) * 3;
    if (raw.size() != image.height * (rowBytes + 1)) {
        return "image data of " + std::to_string(raw.size()) + " bytes, want " +
               std::to_string(image.height * (rowBytes + 1));
    }
    image.rgb.clear();
    image.rgb.reserve(image.height * rowBytes);
    for (uint32_t y = 0; y < image.height; ++y) {
        const uint8_t *row = &raw[y * (rowBytes + 1)];
        if (row[0] != 0) {
            return "row filter " + std::to_string(row[0]) + " (only filter 0 is supported)";
        }
        image.rgb.insert(image.rgb.end(), row + 1, row + 1 + rowBytes);
    }
    return std::string();
}

}  // namespace png

#endif
