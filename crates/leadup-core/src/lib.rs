//! leadup's domain model and the rules that hold whatever stores or shows it.
//!
//! Values enter the core only through validation (`*Input::validate`), which turns loosely
//! typed input (from JSON, forms or the command line) into domain values or into a list of
//! [`FieldError`]s naming every invalid field. Nothing here does IO, SQL or HTTP.

pub mod access;
pub mod account;
pub mod alignment;
pub mod audit;
pub mod business_case;
pub mod change_request;
pub mod commitment;
pub mod date;
pub mod demand;
pub mod digest;
pub mod disruption;
pub mod evidence;
pub mod evidence_strength;
pub mod forecast;
pub mod headline;
pub mod initiative;
pub mod markdown;
pub mod money;
pub mod plan;
pub mod priority;
pub mod process;
pub mod proposal;
pub mod roadmap;
pub mod sign_in;
pub mod stakeholder;
pub mod strategy;
pub mod team;
pub mod validation;
pub mod win;
pub mod work_item;

pub use validation::{FieldError, ValidationErrors};
