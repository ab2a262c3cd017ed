// The common $readmemh word of a DUT output file, decoded sixteen digits a step: exactly 72
// hex digits, one packed block. Anything else (a short word, `_`, x/z digits, a stray byte)
// makes decode_hex_word() say no, and DutReader's general parser reads the word and names
// what is wrong, so the messages and rules live in one place (verify.cpp).
#pragma once
#include <cstdint>
#include <cstring>

#include "hif4/format.h"

namespace hif4::hex_word {

constexpr unsigned kDigits = 2 * kPackedBytes;  // 72

using I8x16 = int8_t __attribute__((vector_size(16)));
using U8x16 = uint8_t __attribute__((vector_size(16)));
using U16x8 = uint16_t __attribute__((vector_size(16)));
using U8x8 = uint8_t __attribute__((vector_size(8)));

// Sixteen digits at p as eight bytes in text order (the first digit is the high nibble of
// the first byte); lanes that are not hex digits are set in `bad`.
inline U8x8 decode16(const uint8_t* p, I8x16& bad) {
  U8x16 c;
  std::memcpy(&c, p, sizeof c);
  // Unsigned bytes, so that the offsets wrap (defined) and each range is one compare. Only
  // 'A'-'F' and 'a'-'f' fold into 'a'-'f'.
  const U8x16 decimal_value = c - '0';
  const U8x16 letter_offset = (c | 0x20) - 'a';
  const I8x16 decimal = decimal_value < 10;
  const I8x16 letter = letter_offset < 6;
  bad |= ~(decimal | letter);
  const U8x16 value = decimal ? decimal_value : letter_offset + 10;
  U16x8 pairs;  // lane i: digit 2i in the low byte, digit 2i + 1 in the high byte
  std::memcpy(&pairs, &value, sizeof pairs);
  return __builtin_convertvector(((pairs & 0x0F) << 4) | (pairs >> 8), U8x8);
}

// The 72 digits at p (p[0..71] readable) as a packed block: digit 71 - k is nibble k, so the
// last two digits are byte 0. False if any of them is not a hex digit (out is then garbage).
inline bool decode(const uint8_t* p, uint8_t out[kPackedBytes]) {
  static_assert(kDigits == 72, "four steps of 16 digits and one overlapping step");
  I8x16 bad{};
  uint8_t text[kPackedBytes];  // the bytes in text order: text[i] is byte 35 - i
  const U8x8 steps[5] = {decode16(p, bad), decode16(p + 16, bad), decode16(p + 32, bad), decode16(p + 48, bad),
                         decode16(p + 56, bad)};  // digits 56..71: bytes 28..35 of the text
  std::memcpy(text, &steps[0], 8);
  std::memcpy(text + 8, &steps[1], 8);
  std::memcpy(text + 16, &steps[2], 8);
  std::memcpy(text + 24, &steps[3], 8);
  std::memcpy(text + 28, &steps[4], 8);
  uint64_t bad_words[2];
  std::memcpy(bad_words, &bad, sizeof bad_words);
  if (bad_words[0] | bad_words[1]) return false;
  // out[k] = text[35 - k]: byte-reversed 8-byte pieces, then the last 4.
  for (unsigned k = 0; k < 4; ++k) {
    uint64_t w;
    std::memcpy(&w, text + 28 - 8 * k, sizeof w);
    w = __builtin_bswap64(w);
    std::memcpy(out + 8 * k, &w, sizeof w);
  }
  uint32_t last;
  std::memcpy(&last, text, sizeof last);
  last = __builtin_bswap32(last);
  std::memcpy(out + 32, &last, sizeof last);
  return true;
}

}  // namespace hif4::hex_word
