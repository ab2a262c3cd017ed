// hif4._core: the model, the vector files and the checker as a Python extension. The public API
// (argument checking, shapes, docstrings for numpy users) is hif4/__init__.py; this module does
// the work on contiguous arrays, with the GIL released while it runs.
#include <pybind11/stl.h>

#include <sstream>
#include <vector>

#include "common.h"
#include "hif4/format.h"
#include "hif4/parallel.h"
#include "hif4/simd.h"

#ifdef HIF4_HAVE_CUDA
#include "hif4_cuda.h"
#endif

namespace hif4::python {

using namespace pybind11::literals;

std::string python_name(const std::string& cli_name) {
  std::string s = cli_name;
  for (char& c : s)
    if (c == '-') c = '_';
  return s;
}

uint64_t to_u64(const py::handle& obj, const char* what, uint64_t max) {
  if (PyBool_Check(obj.ptr()) || !PyIndex_Check(obj.ptr()))
    throw py::type_error(std::string(what) + " must be an int, not " +
                         std::string(py::str(py::type::handle_of(obj).attr("__name__"))));
  const py::int_ v = py::reinterpret_steal<py::int_>(PyNumber_Index(obj.ptr()));
  if (!v) throw py::error_already_set();
  if (v < py::int_(0) || v > py::int_(max))
    throw py::value_error(std::string(what) + " must be between 0 and " + std::to_string(max) +
                          ", not " + std::string(py::repr(v)));
  return v.cast<uint64_t>();
}

namespace {

std::string join(const std::vector<std::string>& names) {
  std::string s;
  for (size_t i = 0; i < names.size(); ++i) s += (i ? ", " : "") + names[i];
  return s;
}

// The knob a keyword names: its Python name (scale_rounding) or its command-line name
// (scale-rounding). Unknown: ConfigError listing the Python names.
const Knob& knob_by_keyword(const std::string& key) {
  std::vector<std::string> names;
  for (const Knob& k : knobs()) {
    if (key == k.name || key == python_name(k.name)) return k;
    names.push_back(python_name(k.name));
  }
  throw ConfigError("unknown knob '" + key + "' (knobs: " + join(names) + ")");
}

// Sets one knob from a value name; '_' may stand for '-' (nearest_even) as in the keywords.
void set_knob(Config& c, const std::string& key, const py::handle& value) {
  const Knob& knob = knob_by_keyword(key);
  const std::string pname = python_name(knob.name);
  if (!py::isinstance<py::str>(value))
    throw py::type_error("knob " + pname + " takes a str such as '" + knob.values[0].name +
                         "', not " + std::string(py::str(py::type::handle_of(value).attr("__name__"))));
  std::string v = value.cast<std::string>();
  for (char& ch : v)
    if (ch == '_') ch = '-';
  std::vector<std::string> names;
  for (size_t i = 0; i < knob.values.size(); ++i) {
    if (v == knob.values[i].name) {
      knob.set(c, static_cast<uint8_t>(i));
      return;
    }
    names.emplace_back(knob.values[i].name);
  }
  throw ConfigError("unknown value '" + value.cast<std::string>() + "' for knob " + pname +
                    " (values: " + join(names) + ")");
}

// Applies keyword arguments: every knob, and sr_seed.
void apply_kwargs(PyConfig& pc, const py::dict& kwargs) {
  for (const auto& item : kwargs) {
    const std::string key = item.first.cast<std::string>();
    if (key == "sr_seed" || key == "sr-seed") {
      pc.config.sr_seed = to_u64(item.second, "sr_seed");
      continue;
    }
    set_knob(pc.config, key, item.second);
  }
}

PyConfig make_config(const py::object& profile, const py::dict& kwargs) {
  PyConfig pc;
  if (py::isinstance<PyConfig>(profile)) {
    pc = profile.cast<PyConfig>();
  } else if (py::isinstance<py::str>(profile)) {
    const std::string name = profile.cast<std::string>();
    pc.config = find_profile(name).config;  // ConfigError names the profiles
    pc.base = name;
  } else {
    throw py::type_error("profile must be a profile name (str) or a hif4.Config, not " +
                         std::string(py::str(py::type::handle_of(profile).attr("__name__"))));
  }
  apply_kwargs(pc, kwargs);
  return pc;
}

py::dict knob_dict(const Config& c) {
  py::dict d;
  for (const Knob& k : knobs()) d[py::str(python_name(k.name))] = knob_value_name(k, c);
  return d;
}

// The knobs whose value differs from the base profile's, in table order.
std::vector<std::pair<const Knob*, const char*>> changed_knobs(const PyConfig& pc) {
  std::vector<std::pair<const Knob*, const char*>> out;
  const Config& base = find_profile(pc.base).config;
  for (const Knob& k : knobs())
    if (k.get(pc.config) != k.get(base)) out.emplace_back(&k, knob_value_name(k, pc.config));
  return out;
}

std::string config_repr(const PyConfig& pc) {
  std::ostringstream s;
  s << "hif4.Config('" << pc.base << "'";
  for (const auto& [k, v] : changed_knobs(pc)) s << ", " << python_name(k->name) << "='" << v << "'";
  if (pc.config.sr_seed) s << ", sr_seed=" << pc.config.sr_seed;
  s << ")";
  return s.str();
}

std::vector<std::string> cli_args(const PyConfig& pc) {
  std::vector<std::string> a = {"--profile", pc.base};
  for (const auto& [k, v] : changed_knobs(pc)) {
    a.push_back("--set");
    a.push_back(std::string(k->name) + "=" + v);
  }
  if (pc.config.sr_seed) {
    a.push_back("--sr-seed");
    a.push_back(std::to_string(pc.config.sr_seed));
  }
  return a;
}

py::dict profiles_table() {
  py::dict profs;
  for (const Profile& p : profiles())
    profs[py::str(p.name)] = py::dict("doc"_a = p.doc, "knobs"_a = knob_dict(p.config));
  py::dict ks;
  for (const Knob& k : knobs()) {
    py::dict values;
    for (const KnobValue& v : k.values) values[py::str(v.name)] = v.doc;
    ks[py::str(python_name(k.name))] =
        py::dict("option"_a = k.name, "doc"_a = k.doc, "values"_a = values);
  }
  return py::dict("profiles"_a = profs, "knobs"_a = ks);
}

const char* const kConfigDoc = R"doc(A HiF4 conversion configuration: a profile and the knobs it changes.

Config(profile="seed", *, sr_seed=0, **knobs)

``profile`` is one of ``hif4.profiles()['profiles']`` ('seed', 'gcc', 'cann') or another Config to
start from; each keyword sets one knob by its command-line name with '_' for '-', to one of its
values, e.g. ``Config('gcc', payload_rounding='stochastic', sr_seed=7)``. A bad profile, knob or
value raises hif4.ConfigError (a ValueError) naming it and listing the valid ones.

A Config is immutable and hashable; ``replace(**knobs)`` returns a modified copy. Every function
that quantizes takes either a Config or a profile name plus knobs.)doc";

}  // namespace

void bind_config(py::module_& m) {
  py::register_exception<ConfigError>(m, "ConfigError", PyExc_ValueError);

  py::class_<PyConfig>(m, "Config", kConfigDoc)
      .def(py::init([](const py::object& profile, const py::kwargs& kwargs) {
             return make_config(profile, kwargs);
           }),
           "profile"_a = "seed")
      .def("replace",
           [](const PyConfig& self, const py::kwargs& kwargs) {
             PyConfig pc = self;
             apply_kwargs(pc, kwargs);
             return pc;
           },
           "A copy with the given knobs (and sr_seed) changed: cfg.replace(payload_rounding='nearest-even').")
      .def_property_readonly("base_profile", [](const PyConfig& pc) { return pc.base; },
                             "The profile this configuration started from.")
      .def_property_readonly(
          "profile",
          [](const PyConfig& pc) -> py::object {
            const Profile* p = matching_profile(pc.config);
            return p ? py::object(py::str(p->name)) : py::object(py::none());
          },
          "The profile whose knobs all equal this configuration's (sr_seed aside), or None.")
      .def_property_readonly("knobs", [](const PyConfig& pc) { return knob_dict(pc.config); },
                             "Every knob's value, by Python name: {'scale_rounding': 'nearest-away', ...}.")
      .def_property_readonly("sr_seed", [](const PyConfig& pc) { return pc.config.sr_seed; },
                             "The stochastic-rounding seed (read only under payload_rounding='stochastic').")
      .def("describe",
           [](const PyConfig& pc) {
             std::string s = describe(pc.config);
             if (pc.config.sr_seed) s += " sr-seed=" + std::to_string(pc.config.sr_seed);
             return s;
           },
           "The knobs as `hif4` prints them: 'scale-rounding=nearest-away payload-rounding=...'.")
      .def("cli_args", &cli_args,
           "The `hif4` command-line options that give this configuration: ['--profile', 'gcc', "
           "'--set', 'payload-rounding=stochastic', '--sr-seed', '7'].")
      .def("__repr__", &config_repr)
      .def("__eq__",
           [](const PyConfig& a, const py::object& b) {
             return py::isinstance<PyConfig>(b) && a.config == b.cast<PyConfig>().config;
           })
      .def("__hash__",
           [](const PyConfig& pc) {
             py::list key;
             for (const Knob& k : knobs()) key.append(k.get(pc.config));
             key.append(pc.config.sr_seed);
             return py::hash(py::tuple(key));
           })
      .def(py::pickle(
          [](const PyConfig& pc) {
            return py::make_tuple(pc.base, knob_dict(pc.config), pc.config.sr_seed);
          },
          [](const py::tuple& t) {
            if (t.size() != 3) throw std::runtime_error("hif4.Config: bad pickle state");
            py::dict kw = t[1].cast<py::dict>();
            kw["sr_seed"] = t[2];
            return make_config(t[0], kw);
          }));

  m.def("profiles_table", &profiles_table);
}

}  // namespace hif4::python

PYBIND11_MODULE(_core, m) {
  using namespace hif4::python;
  m.doc() = "The compiled half of the hif4 package; use the functions of `hif4` instead.";
  bind_config(m);
  bind_arrays(m);
  bind_trace(m);
  bind_vectors(m);
  m.attr("__version__") = HIF4_VERSION;
  m.attr("simd_path") = hif4::simd_path_name(hif4::active_simd_path());
  m.attr("hardware_threads") = hif4::hardware_threads();
  m.attr("block_values") = hif4::kBlockValues;
  m.attr("packed_bytes") = hif4::kPackedBytes;
#ifdef HIF4_HAVE_CUDA
  m.attr("has_cuda_golden") = true;
#else
  m.attr("has_cuda_golden") = false;
#endif
}
