//! Entry point of the page: mount [`frontend::App`] on `<body>`.
#![forbid(unsafe_code)]

fn main() {
    yew::Renderer::<frontend::App>::new().render();
}
