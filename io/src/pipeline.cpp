#include "hif4/pipeline.h"

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>

namespace hif4 {
namespace {

struct Filled {
  unsigned slot;
  size_t count;
};

// The hand-over between the stages: one lock, one condition, three queues.
class Ring {
 public:
  explicit Ring(unsigned slots) {
    for (unsigned s = 0; s < slots; ++s) free_.push_back(s);
  }
  // Waits for an entry of `q`; false once a stage failed.
  template <typename T>
  bool take(std::deque<T>& q, T& out) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return failed_ || !q.empty(); });
    if (failed_) return false;
    out = q.front();
    q.pop_front();
    return true;
  }
  template <typename T>
  void give(std::deque<T>& q, T v) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      q.push_back(v);
    }
    changed_.notify_all();
  }
  void fail(std::exception_ptr e) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!error_) error_ = e;
      failed_ = true;
    }
    changed_.notify_all();
  }
  std::exception_ptr error() const { return error_; }

  std::deque<unsigned> free_;
  std::deque<Filled> read_, worked_;

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool failed_ = false;
  std::exception_ptr error_;
};

}  // namespace

void run_pipeline(unsigned slots, size_t slot_items, const PipelineStages& stages) {
  if (slots < 1) slots = 1;
  if (slots < 3) {  // no room to overlap: the three stages in turn
    uint64_t first = 0;
    for (size_t n = slot_items; n == slot_items;) {
      n = stages.read(0);
      if (n) {
        stages.work(0, n, first);
        stages.write(0, n);
      }
      first += n;
    }
    return;
  }
  Ring ring(slots);
  auto reader = [&] {
    try {
      for (size_t n = slot_items; n == slot_items;) {
        unsigned slot;
        if (!ring.take(ring.free_, slot)) return;
        n = stages.read(slot);
        ring.give(ring.read_, Filled{slot, n});
      }
    } catch (...) {
      ring.fail(std::current_exception());
    }
  };
  auto writer = [&] {
    try {
      for (size_t n = slot_items; n == slot_items;) {
        Filled f;
        if (!ring.take(ring.worked_, f)) return;
        if (f.count) stages.write(f.slot, f.count);
        n = f.count;
        ring.give(ring.free_, f.slot);
      }
    } catch (...) {
      ring.fail(std::current_exception());
    }
  };
  // Where no thread can be started, the stages run in turn on this thread instead. The writer
  // starts first: until the reader runs it has taken nothing, so stopping it loses nothing.
  std::thread read_thread, write_thread;
  try {
    write_thread = std::thread(writer);
    read_thread = std::thread(reader);
  } catch (const std::system_error&) {
    ring.fail(nullptr);
    if (write_thread.joinable()) write_thread.join();
    return run_pipeline(1, slot_items, stages);
  }
  try {
    uint64_t first = 0;
    for (size_t n = slot_items; n == slot_items;) {
      Filled f;
      if (!ring.take(ring.read_, f)) break;
      if (f.count) stages.work(f.slot, f.count, first);
      first += f.count;
      n = f.count;
      ring.give(ring.worked_, f);
    }
  } catch (...) {
    ring.fail(std::current_exception());
  }
  read_thread.join();
  write_thread.join();
  if (ring.error()) std::rethrow_exception(ring.error());
}

}  // namespace hif4
