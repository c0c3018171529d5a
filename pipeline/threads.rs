//! A fixed number of plain threads working through a list, for work whose parallelism is set
//! by something other than the CPU count (files in flight for the disk, year partitions held
//! in memory), so it stays out of rayon's pool.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` over every item on at most `threads` scoped threads, each taking the next item as it
/// finishes one; the results in item order. Every item is processed, whatever the others return.
pub fn each_on_threads<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let done: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1).min(items.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let r = f(item);
                    *done[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
                }
            });
        }
    });
    done.into_iter()
        .map(|m| {
            m.into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .expect("every item is processed: the threads run until the list is done")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_once_in_order_whatever_the_thread_count() {
        let items: Vec<u32> = (0..50).collect();
        for threads in [0, 1, 2, 8, 100] {
            let calls = AtomicUsize::new(0);
            let got = each_on_threads(&items, threads, |&x| {
                calls.fetch_add(1, Ordering::Relaxed);
                x * 2
            });
            assert_eq!(got, items.iter().map(|x| x * 2).collect::<Vec<_>>());
            assert_eq!(calls.load(Ordering::Relaxed), items.len());
        }
        assert!(each_on_threads(&[] as &[u32], 4, |&x| x).is_empty());
    }
}
