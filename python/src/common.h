// Shared by the files of the extension module hif4._core: the Config wrapper and the binders.
#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>

#include "hif4/config.h"

namespace hif4::python {

namespace py = pybind11;

// A configuration and the profile it was built from: the base profile is what repr() and
// cli_args() start from, so a Config prints as the few knobs it changes.
struct PyConfig {
  Config config;
  std::string base = "seed";
};

// "payload-rounding" -> "payload_rounding": the name a knob has as a Python keyword.
std::string python_name(const std::string& cli_name);

// An int-like Python object (int, numpy integer; not bool) in [0, max], or TypeError /
// ValueError naming `what`.
uint64_t to_u64(const py::handle& obj, const char* what, uint64_t max = UINT64_MAX);

// Buffer checks shared by the array functions: a C-contiguous array of `T` in native byte order.
template <typename T>
bool is_plain_array_of(const py::array& a) {
  return a.dtype().equal(py::dtype::of<T>()) && (a.flags() & py::array::c_style);
}

void bind_config(py::module_& m);
void bind_arrays(py::module_& m);
void bind_trace(py::module_& m);
void bind_vectors(py::module_& m);

}  // namespace hif4::python
