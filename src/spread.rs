//! One report's independent parts (its pages, its streams, its faces) worked through in
//! order: on rayon's threads when the report is made on its own (`render --id`), on the
//! calling thread in a batch, whose threads each take a report. Results come back in the
//! parts' order either way, so the output does not depend on which was chosen.

use rayon::prelude::*;

/// `f(index, item)` for every item, the results in the items' order.
pub fn map<T: Sync, R: Send>(
    items: &[T],
    spread: bool,
    f: impl Fn(usize, &T) -> R + Sync + Send,
) -> Vec<R> {
    if spread {
        items.par_iter().enumerate().map(|(i, t)| f(i, t)).collect()
    } else {
        items.iter().enumerate().map(|(i, t)| f(i, t)).collect()
    }
}

/// `f(index, item)` on every item, stopping at an error (in a spread run, any item's).
pub fn try_each_mut<T: Send, E: Send>(
    items: &mut [T],
    spread: bool,
    f: impl Fn(usize, &mut T) -> Result<(), E> + Sync + Send,
) -> Result<(), E> {
    if spread {
        (items.par_iter_mut().enumerate()).try_for_each(|(i, t)| f(i, t))
    } else {
        (items.iter_mut().enumerate()).try_for_each(|(i, t)| f(i, t))
    }
}
