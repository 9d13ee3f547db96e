//! riskreport: validates AI career risk audits, scores them and renders personalised reports.

mod catalog;
mod input;
mod score;

fn main() {}
