//! Parallel iteration when the `parallel` feature is on (rayon's prelude, unchanged),
//! and the same method names over plain iterators when it is off, as in the
//! WebAssembly build, which has no threads. The callers use only what both provide:
//! `par_iter`, `par_iter_mut`, `par_chunks`, `into_par_iter`, then ordinary adaptors
//! (`map`, `zip`, `filter_map`, `enumerate`, `for_each`, `collect`), and [`join`].

#[cfg(feature = "parallel")]
pub use rayon::{join, prelude};

/// Runs both closures, one after the other, on the calling thread.
#[cfg(not(feature = "parallel"))]
pub fn join<A, B, RA, RB>(a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA,
    B: FnOnce() -> RB,
{
    let ra = a();
    (ra, b())
}

#[cfg(not(feature = "parallel"))]
pub mod prelude {
    /// rayon's slice methods, as the sequential iterators of `std`.
    pub trait SequentialSlice<T> {
        fn par_iter(&self) -> std::slice::Iter<'_, T>;
        fn par_iter_mut(&mut self) -> std::slice::IterMut<'_, T>;
        fn par_chunks(&self, size: usize) -> std::slice::Chunks<'_, T>;
    }

    impl<T> SequentialSlice<T> for [T] {
        fn par_iter(&self) -> std::slice::Iter<'_, T> {
            self.iter()
        }
        fn par_iter_mut(&mut self) -> std::slice::IterMut<'_, T> {
            self.iter_mut()
        }
        fn par_chunks(&self, size: usize) -> std::slice::Chunks<'_, T> {
            self.chunks(size)
        }
    }

    /// rayon's `into_par_iter`, as `into_iter`.
    pub trait SequentialIntoIter: IntoIterator + Sized {
        fn into_par_iter(self) -> Self::IntoIter {
            self.into_iter()
        }
    }

    impl<I: IntoIterator> SequentialIntoIter for I {}
}
