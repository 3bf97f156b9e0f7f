//! Taking the terminal and always giving it back: raw mode and the alternate screen on
//! the way in; on the way out — quit, Ctrl-C, SIGTERM, SIGINT, SIGHUP, or a panic — the
//! main screen, a visible cursor and cooked mode again. Restoring ignores errors: after
//! SIGHUP the tty is gone and every write fails with EIO, which must not hang or panic.
//!
//! Waiting for input is done here, not in crossterm: crossterm 0.29 reads the tty in a
//! loop that never ends once the tty has hung up (read returns 0 forever). So the event
//! loop waits with poll(2) on stdin and a self-pipe the signal handlers write to, sees
//! a hangup itself, and calls into crossterm only when there is input to read. Should
//! the hangup land while crossterm is reading, the SIGHUP handler puts an empty pipe
//! in place of stdin, which ends crossterm's loop.

use crate::ui::ansi16::Ansi16;
use crate::ui::redraw::Redraw;
use crossterm::cursor::{Hide, Show};
use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};
use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::layout::{Position, Rect};
use std::io::{self, BufWriter, Stdout, Write};
use std::os::fd::{AsRawFd, IntoRawFd};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::time::Duration;

/// One write per frame (a frame is far larger than stdout's line buffer), in the 16
/// basic colour codes.
pub type Screen = Redraw<CrosstermBackend<BufWriter<Ansi16<Stdout>>>>;

/// Whether the terminal is ours to give back (so restoring twice does nothing).
static TAKEN: AtomicBool = AtomicBool::new(false);
/// Set by SIGTERM, SIGINT and SIGHUP.
static STOP: AtomicBool = AtomicBool::new(false);
/// Set by SIGWINCH.
static RESIZED: AtomicBool = AtomicBool::new(false);
/// The write end of the self-pipe that wakes the event loop from a signal handler.
static WAKE_WRITE: AtomicI32 = AtomicI32::new(-1);
static WAKE_READ: AtomicI32 = AtomicI32::new(-1);
/// The read end of a pipe nobody writes to, put in place of stdin on SIGHUP.
static EMPTY_READ: AtomicI32 = AtomicI32::new(-1);

/// Gives the terminal back when dropped, whatever way the event loop ends.
pub struct Taken {
    pub terminal: Screen,
}

impl Drop for Taken {
    fn drop(&mut self) {
        // Whatever is still buffered belongs on the alternate screen, so out it goes
        // before leaving it.
        let _ = Backend::flush(self.terminal.backend_mut());
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
    let mut out = BufWriter::with_capacity(64 * 1024, Ansi16::new(io::stdout()));
    // Mouse reports (click to focus, wheel to scroll); keys stay complete without them.
    crossterm::execute!(out, EnterAlternateScreen, Hide, EnableMouseCapture)?;
    let backend = CrosstermBackend::new(out);
    // The size is asked here and again on SIGWINCH only: ratatui's full-screen viewport
    // asks before every frame, and crossterm does that by opening /dev/tty each time,
    // which was a tenth of an idle ctop's time.
    match whole_screen(&backend) {
        Ok(area) => Ok(Taken { terminal: Redraw::new(backend, area) }),
        Err(e) => {
            restore();
            Err(e)
        }
    }
}

impl Taken {
    /// Takes the terminal's new size, after a resize was signalled.
    pub fn follow_resize(&mut self) -> io::Result<()> {
        let area = whole_screen(self.terminal.backend())?;
        if area != self.terminal.area() {
            self.terminal.resize(area)?;
        }
        Ok(())
    }
}

/// The whole terminal, at the size it has now.
fn whole_screen<B: Backend<Error = io::Error>>(backend: &B) -> io::Result<Rect> {
    Ok(Rect::from((Position::ORIGIN, backend.size()?)))
}

/// Main screen, cursor, cooked mode. Safe to call from a panic hook and more than once.
pub fn restore() {
    if !TAKEN.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut out = io::stdout();
    let _ = crossterm::execute!(out, DisableMouseCapture, LeaveAlternateScreen, Show);
    let _ = disable_raw_mode();
    let _ = out.flush();
}

/// What ended a wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// Keys (or other input) are waiting to be read.
    Input,
    /// A signal asked ctop to stop, or the terminal hung up.
    Stop,
    /// The terminal changed size.
    Resized,
    /// Nothing happened within the timeout, or [`wake`] was called.
    Timeout,
}

/// Ends the event loop's current [`wait`] (or its next one) early: called by the
/// collector threads when they have sent an update. Async-signal-safe.
pub fn wake() {
    let wake = WAKE_WRITE.load(Ordering::Relaxed);
    if wake >= 0 {
        // SAFETY: writing one byte from a static to our own non-blocking pipe; a full
        // pipe (EAGAIN) already holds a wake-up.
        unsafe { libc::write(wake, b"!".as_ptr().cast(), 1) };
    }
}

/// Waits up to `timeout` for input on stdin, a signal or a [`wake`], without reading
/// anything.
pub fn wait(timeout: Duration) -> Wake {
    if let Some(wake) = pending_signal() {
        return wake;
    }
    let mut fds = [
        libc::pollfd { fd: io::stdin().as_raw_fd(), events: libc::POLLIN, revents: 0 },
        libc::pollfd { fd: WAKE_READ.load(Ordering::Relaxed), events: libc::POLLIN, revents: 0 },
    ];
    // Rounded up: waking a fraction of a millisecond early would spin until the moment.
    let millis = timeout.as_micros().div_ceil(1000).min(i32::MAX as u128) as i32;
    // SAFETY: `fds` is a valid array of two pollfd for the duration of the call.
    let ready = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, millis) };
    if ready < 0 {
        // EINTR: a signal arrived; the flags say which.
        return pending_signal().unwrap_or(Wake::Timeout);
    }
    if fds[1].revents != 0 {
        let mut sink = [0u8; 64];
        // SAFETY: reading into a local buffer from our own non-blocking pipe.
        while unsafe { libc::read(fds[1].fd, sink.as_mut_ptr().cast(), sink.len()) } > 0 {}
    }
    if let Some(wake) = pending_signal() {
        return wake;
    }
    let input = fds[0].revents;
    if input & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
        Wake::Stop
    } else if input & libc::POLLIN != 0 {
        Wake::Input
    } else {
        Wake::Timeout
    }
}

fn pending_signal() -> Option<Wake> {
    if STOP.load(Ordering::Relaxed) {
        Some(Wake::Stop)
    } else if RESIZED.swap(false, Ordering::Relaxed) {
        Some(Wake::Resized)
    } else {
        None
    }
}

extern "C" fn on_signal(signal: libc::c_int) {
    // Only atomics, write(2) and dup2(2) here: all async-signal-safe.
    if signal == libc::SIGWINCH {
        RESIZED.store(true, Ordering::Relaxed);
    } else {
        STOP.store(true, Ordering::Relaxed);
    }
    if signal == libc::SIGHUP {
        let empty = EMPTY_READ.load(Ordering::Relaxed);
        if empty >= 0 {
            // SAFETY: both are open descriptors; dup2 is async-signal-safe.
            unsafe { libc::dup2(empty, libc::STDIN_FILENO) };
        }
    }
    wake();
}

fn install_signal_handlers() -> io::Result<()> {
    let flags = nix::fcntl::OFlag::O_NONBLOCK | nix::fcntl::OFlag::O_CLOEXEC;
    let (wake_read, wake_write) = nix::unistd::pipe2(flags).map_err(io::Error::from)?;
    // The write end stays open (and unwritten) so reads from the empty pipe say
    // "nothing yet" instead of end-of-file.
    let (empty_read, empty_write) = nix::unistd::pipe2(flags).map_err(io::Error::from)?;
    WAKE_READ.store(wake_read.into_raw_fd(), Ordering::Relaxed);
    WAKE_WRITE.store(wake_write.into_raw_fd(), Ordering::Relaxed);
    EMPTY_READ.store(empty_read.into_raw_fd(), Ordering::Relaxed);
    std::mem::forget(empty_write);

    let action = SigAction::new(SigHandler::Handler(on_signal), SaFlags::SA_RESTART, SigSet::empty());
    for signal in [Signal::SIGTERM, Signal::SIGINT, Signal::SIGHUP, Signal::SIGWINCH] {
        // SAFETY: the handler only touches atomics and calls async-signal-safe functions.
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
