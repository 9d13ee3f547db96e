//! `riskreport send`: the email phase on an output directory whose reports are rendered.

use super::args::SendArgs;
use super::email::{email_phase, settings};
use super::Outcome;

pub fn run(args: SendArgs, quiet: bool) -> anyhow::Result<Outcome> {
    let mut settings = settings(&args.mail)?;
    // The same brand as the reports it sends, so `send` after `run` signs as `run --email` does.
    settings.brand = match &args.layouts {
        Some(d) => crate::report::Layouts::from_dir(d)?.style.brand,
        None => crate::report::Layouts::builtin().style.brand,
    };
    if !args.out.join(crate::store::ledger::FILE_NAME).exists()
        && !crate::store::layout::reports(&args.out).exists()
        && !args.out.join(crate::store::layout::MARKER).exists()
    {
        anyhow::bail!(
            "{} has no ledger: render the reports first (riskreport run FILE --out {})",
            args.out.display(),
            args.out.display()
        );
    }
    let stop = super::signals::stop_flag()?;
    let s = email_phase(&settings, &args.out, &args.mail, quiet, &stop)?;
    Ok(if s.has_failures() {
        Outcome::WithRejects
    } else {
        Outcome::Clean
    })
}
