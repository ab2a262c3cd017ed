// operator<< of the structs on the SystemC model's signals (sc_signal's print and dump).
#include "hif4sim/payloads.h"

#include <ostream>

#include "hif4/trace_format.h"

namespace hif4::sim {

std::ostream& operator<<(std::ostream& os, const Lanes& v) {
  return os << "lanes[" << hex(v.v[0], 4) << " " << hex(v.v[1], 4) << " ... " << hex(v.v[63], 4) << "]";
}

std::ostream& operator<<(std::ostream& os, const PackedBlock& v) {
  for (unsigned k = 0; k < kPackedBytes; ++k) os << hex(v.bytes[k], 2).substr(2);
  return os;
}

std::ostream& operator<<(std::ostream& os, const S4Reg& v) {
  return os << "S4{valid=" << v.valid << " block=" << v.block_index << " data=" << v.data << "}";
}

}  // namespace hif4::sim
