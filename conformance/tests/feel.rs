//! One insta snapshot per FEEL fixture under `fixtures/feel/**/*.feel`, evaluated in the
//! dialect the fixture names, or its directory's (`camunda/`: Camunda; others: DMN).
//!
//! Accept new or changed snapshots with `cargo insta test --accept` (or `INSTA_UPDATE=always`).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test code

use conformance::fixtures::{Fixture, PlainJson};

#[test]
fn feel_fixtures() {
    let dmn = feel::Engine::new();
    let camunda = feel::Engine::builder()
        .dialect(feel::Dialect::Camunda)
        .build();
    let root = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/feel"));
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    insta::glob!(
        concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures"),
        "feel/**/*.feel",
        |path| {
            let text = std::fs::read_to_string(path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let fixture =
                Fixture::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            // Name snapshots after the path under fixtures/feel, so that names do not
            // change when fixtures are added in other areas (glob! strips the common prefix).
            let name = path
                .strip_prefix(&root)
                .unwrap_or(path)
                .to_string_lossy()
                .replace('\\', "/");
            // fixtures under camunda/ run in the Camunda dialect unless they name another
            let by_directory = if name.starts_with("camunda/") {
                feel::Dialect::Camunda
            } else {
                feel::Dialect::Dmn
            };
            let engine = match fixture.dialect.unwrap_or(by_directory) {
                feel::Dialect::Dmn => &dmn,
                feel::Dialect::Camunda => &camunda,
            };
            let rendered = fixture.render(engine);
            insta::with_settings!({
                snapshot_suffix => name,
                description => fixture.expression.as_str(),
                info => &PlainJson(&fixture.vars),
                omit_expression => true,
            }, {
                insta::assert_snapshot!(rendered);
            });
        }
    );
}
