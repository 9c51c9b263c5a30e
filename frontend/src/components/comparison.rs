//! `#comparison`: the article's Socket vs WebSocket table, each row linked
//! to what demonstrates it on this page; and `#layers`, where each sits.

use yew::prelude::*;

use super::use_strings;

/// Row ids and the anchors they link to, in the order of `Lesson::cmp_rows`.
const ROWS: [(&str, &str); 5] = [
    ("cmp-definition", "#exp-no-socket-api"),
    ("cmp-layer", "#layers"),
    ("cmp-function", "#frames"),
    ("cmp-uses", "#console"),
    ("cmp-page", "#handshake"),
];

/// The comparison table.
#[component]
pub fn Comparison() -> Html {
    let s = use_strings().lesson;
    let rows = s.cmp_rows.iter().zip(ROWS).map(|(row, (id, href))| {
        html! {
            <tr id={id}>
                <th scope="row">{ row.aspect }</th>
                <td class="socket">{ row.socket }</td>
                <td class="websocket">{ row.websocket }</td>
                <td class="webtransport">{ row.webtransport }</td>
                <td class="see"><a {href}>{ row.see }{ " ↗" }</a></td>
            </tr>
        }
    });
    html! {
        <section id="comparison" class="panel" aria-labelledby="comparison-title">
            <h2 id="comparison-title">{ s.cmp_title }</h2>
            <p class="intro">{ s.cmp_intro }</p>
            <div class="table-wrap">
                <table class="compare">
                    <thead>
                        <tr>{ for s.cmp_cols.iter().map(|c| html! { <th scope="col">{ *c }</th> }) }</tr>
                    </thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
        </section>
    }
}

/// The layer diagram: a native program's stack next to a page's.
#[component]
pub fn Layers() -> Html {
    let s = use_strings().lesson;
    let layer = |i: usize, class: &'static str| {
        html! {
            <div class={classes!("layer", class)}>
                <strong>{ s.layers[i] }</strong>
                <span>{ s.layer_notes[i] }</span>
            </div>
        }
    };
    html! {
        <section id="layers" class="panel" aria-labelledby="layers-title">
            <h2 id="layers-title">{ s.layers_title }</h2>
            <p class="intro">{ s.layers_intro }</p>
            <div class="stacks">
                <div class="stack native">
                    <h3>{ s.layers_cols[0] }</h3>
                    { layer(0, "app") }
                    { layer(1, "socket-api") }
                    { layer(4, "tcp") }
                    { layer(5, "ip") }
                </div>
                <div class="stack web-page">
                    <h3>{ s.layers_cols[1] }</h3>
                    { layer(0, "app") }
                    { layer(2, "ws") }
                    { layer(3, "http") }
                    { layer(4, "tcp") }
                    { layer(5, "ip") }
                </div>
            </div>
        </section>
    }
}
