//! Smithy JSON AST to Rust client generator.
//!
//! [`model`] reads the JSON AST, [`ir`] resolves it in named passes, `emit` turns the IR
//! into token streams and [`render`] prints them. [`generate`] runs the whole pipeline.

pub mod diff;
pub mod docs;
mod emit;
pub mod ir;
pub mod model;
pub mod names;
pub mod render;
pub mod surface;

pub use emit::{partitions_with_outputs, EmitOptions, EndpointDivergences, File};

/// Everything [`generate`] needs besides the model.
#[derive(Debug, Clone)]
pub struct Options {
    /// Model-independent IR options (crate name, version).
    pub ir: ir::Options,
    /// Crate-level options (runtime dependency, partitions).
    pub emit: EmitOptions,
}

/// Generates the crate files for the model text `model_json`. Nothing is written: the caller
/// gets every file or an error, never half a crate.
pub fn generate(model_json: &str, options: &Options) -> Result<Vec<File>, model::ModelError> {
    generate_from_model(&model::Model::from_json(model_json)?, options)
}

/// The generated files and what the generator warns about (operations left out).
#[derive(Debug, Clone)]
pub struct Generated {
    /// The crate's files.
    pub files: Vec<File>,
    /// One line per warning, naming the shape.
    pub warnings: Vec<String>,
    /// The items member of every paginator whose model names none: what
    /// [`ir::Options::pinned_items`] should hold next time ([`ir::Ir::item_pins`]).
    pub item_pins: std::collections::BTreeMap<String, Option<String>>,
}

/// Like [`generate`], with the generator's warnings.
pub fn generate_with_warnings(
    model_json: &str,
    options: &Options,
) -> Result<Generated, model::ModelError> {
    let model = model::Model::from_json(model_json)?;
    let ir = ir::Ir::build(&model, &options.ir)?;
    let warnings = ir
        .left_out
        .iter()
        .chain(&ir.left_out_waiters)
        .map(|l| format!("{}: left out of the generated crate: {}", l.id, l.reason))
        .collect();
    Ok(Generated {
        files: emit::emit(&ir, &options.emit)?,
        warnings,
        item_pins: ir.item_pins,
    })
}

/// Generates the crate files for an already parsed model.
pub fn generate_from_model(
    model: &model::Model,
    options: &Options,
) -> Result<Vec<File>, model::ModelError> {
    let ir = ir::Ir::build(model, &options.ir)?;
    emit::emit(&ir, &options.emit)
}
