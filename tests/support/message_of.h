// What a call throws, for the tests of error messages.
#pragma once
#include <string>

namespace hif4::test {

// The message (what()) of the E that f() throws; "" when it throws nothing, so a test that
// checks the message for a text also fails when nothing was thrown.
template <class E, class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "";
}

}  // namespace hif4::test
