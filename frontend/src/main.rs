//! Entry point of the page: mount [`frontend::App`] on `<body>`, in place of
//! the first screen `index.html` painted ([`frontend::shell`]).
#![forbid(unsafe_code)]

fn main() {
    // index.html painted the first screen already; the app renders it again.
    frontend::shell::remove();
    yew::Renderer::<frontend::App>::new().render();
}
