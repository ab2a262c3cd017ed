/* Preloaded by the hardening tests (LD_PRELOAD) to stand for a machine where no thread can be
   started (a process or memory limit reached): every pthread_create fails with EAGAIN, as
   the kernel makes it fail then. */
#include <errno.h>
#include <pthread.h>

int pthread_create(pthread_t* thread, const pthread_attr_t* attr, void* (*start)(void*), void* arg) {
  (void)thread, (void)attr, (void)start, (void)arg;
  return EAGAIN;
}
