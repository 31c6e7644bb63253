//! `/api/v1/me`: who the request is signed in as, and the roles they hold.

use leadup_core::access::Principal;

use super::Json;
use crate::AppError;
use crate::auth::Caller;

pub(crate) async fn show(caller: Caller) -> Result<Json<Principal>, AppError> {
    caller.principal().cloned().map(Json).ok_or_else(|| AppError::Unauthorized("Sign in first.".to_owned()))
}
