//! Taking the terminal and always giving it back: raw mode and the alternate screen on
//! the way in; on the way out — quit, Ctrl-C, SIGTERM, SIGINT, SIGHUP, or a panic — the
//! main screen, a visible cursor and cooked mode again. Restoring ignores errors: after
//! SIGHUP the tty is gone and every write fails with EIO, which must not hang or panic.

use crossterm::cursor::{Hide, Show};
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io::{self, BufWriter, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// One write per frame: a frame is far larger than stdout's line buffer.
pub type Screen = Terminal<CrosstermBackend<BufWriter<Stdout>>>;

/// Whether the terminal is ours to give back (so restoring twice does nothing).
static TAKEN: AtomicBool = AtomicBool::new(false);
/// Set by the signal handler; the event loop checks it at every poll.
static STOP: AtomicBool = AtomicBool::new(false);

/// Gives the terminal back when dropped, whatever way the event loop ends.
pub struct Taken {
    pub terminal: Screen,
}

impl Drop for Taken {
    fn drop(&mut self) {
        let _ = self.terminal.flush();
        restore();
    }
}

/// Raw mode, alternate screen, hidden cursor; signal handlers and the panic hook first,
/// so there is no moment where the terminal is taken and nothing would give it back.
pub fn take() -> io::Result<Taken> {
    install_signal_handlers()?;
    install_panic_hook();
    TAKEN.store(true, Ordering::SeqCst);
    enable_raw_mode()?;
    let mut out = BufWriter::with_capacity(64 * 1024, io::stdout());
    crossterm::execute!(out, EnterAlternateScreen, Hide)?;
    let terminal = match Terminal::new(CrosstermBackend::new(out)) {
        Ok(t) => t,
        Err(e) => {
            restore();
            return Err(e);
        }
    };
    Ok(Taken { terminal })
}

/// Main screen, cursor, cooked mode. Safe to call from a panic hook and more than once.
pub fn restore() {
    if !TAKEN.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut out = io::stdout();
    let _ = crossterm::execute!(out, LeaveAlternateScreen, Show);
    let _ = disable_raw_mode();
    let _ = out.flush();
}

/// A signal asked ctop to stop (SIGTERM, SIGINT, SIGHUP).
pub fn stop_requested() -> bool {
    STOP.load(Ordering::Relaxed)
}

extern "C" fn on_stop_signal(_: libc::c_int) {
    // Only an atomic store: nothing else is async-signal-safe here.
    STOP.store(true, Ordering::Relaxed);
}

fn install_signal_handlers() -> io::Result<()> {
    let action = SigAction::new(SigHandler::Handler(on_stop_signal), SaFlags::SA_RESTART, SigSet::empty());
    for signal in [Signal::SIGTERM, Signal::SIGINT, Signal::SIGHUP] {
        // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
        unsafe { sigaction(signal, &action) }.map_err(io::Error::from)?;
    }
    Ok(())
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}
