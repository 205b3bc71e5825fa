//! The panic boundary and argument conversion used by every export.

use std::ffi::{c_char, CStr};

use crate::error_code as ec;

/// The value an export returns when its body panicked.
pub trait PanicDefault {
    fn panic_default() -> Self;
}

impl PanicDefault for i32 {
    fn panic_default() -> Self {
        ec::INNER_ERROR
    }
}

impl PanicDefault for *const c_char {
    fn panic_default() -> Self {
        std::ptr::null()
    }
}

/// Runs an export's body (a closure returning `Result<(), zego_error>` or a
/// plain value) so that no panic crosses into C: a panic is logged and turned
/// into the return type's [`PanicDefault`].
macro_rules! ffi_boundary {
    ($body:expr) => {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe($body)) {
            Ok(value) => $crate::ffi::boundary::IntoReturn::into_return(value),
            Err(_) => {
                tracing::error!("panic caught at the C boundary (a bug; please report)");
                $crate::ffi::boundary::PanicDefault::panic_default()
            }
        }
    };
}
pub(crate) use ffi_boundary;

/// Turns a body's value into the C return value.
pub trait IntoReturn<T> {
    fn into_return(self) -> T;
}

impl IntoReturn<i32> for Result<(), i32> {
    fn into_return(self) -> i32 {
        match self {
            Ok(()) => ec::SUCCESS,
            Err(code) => code,
        }
    }
}

impl IntoReturn<*const c_char> for *const c_char {
    fn into_return(self) -> *const c_char {
        self
    }
}

/// Longest string any export reads; longer input is refused without being read further.
pub const MAX_STRING_ARG: usize = 64 * 1024;

/// Reads a NUL-terminated UTF-8 argument of at most `max` bytes.
/// NULL gives `null_code`; longer input `too_long`; invalid UTF-8 `invalid`.
pub fn str_arg<'a>(ptr: *const c_char, max: usize, [null_code, invalid, too_long]: [i32; 3]) -> Result<&'a str, i32> {
    if ptr.is_null() {
        return Err(null_code);
    }
    // SAFETY: the caller passes a NUL-terminated string (C ABI contract);
    // strnlen reads at most max + 1 bytes of it.
    let len = unsafe { libc::strnlen(ptr, max + 1) };
    if len > max {
        return Err(too_long);
    }
    // SAFETY: `len` bytes were just found before a NUL.
    let bytes = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) };
    std::str::from_utf8(bytes).map_err(|_| invalid)
}

/// A generic string argument: NULL and bad input are 1000017.
pub fn plain_str<'a>(ptr: *const c_char) -> Result<&'a str, i32> {
    str_arg(ptr, MAX_STRING_ARG, [ec::ILLEGAL_PARAM; 3])
}

/// An optional string: NULL reads as "".
pub fn opt_str<'a>(ptr: *const c_char, invalid: i32) -> Result<&'a str, i32> {
    if ptr.is_null() {
        return Ok("");
    }
    str_arg(ptr, MAX_STRING_ARG, [invalid; 3])
}

/// Writes an out-parameter if the caller gave one.
pub fn write_out<T>(out: *mut T, value: T) {
    if !out.is_null() {
        // SAFETY: a non-NULL out pointer points at writable storage (C ABI contract).
        unsafe { out.write(value) };
    }
}

/// Reads a NUL-free copy of `s` for C (server-provided text may contain NUL).
pub fn c_string(s: &str) -> std::ffi::CString {
    std::ffi::CString::new(s.replace('\0', "")).expect("NULs were removed")
}

/// A static message as a C string (the message table's entries end in NUL).
pub fn static_c_str(s: &'static str) -> *const c_char {
    CStr::from_bytes_with_nul(s.as_bytes()).map_or(std::ptr::null(), CStr::as_ptr)
}
