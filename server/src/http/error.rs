//! Every HTTP error as `{"error": {"code", "message"}}` with the status that goes with the
//! code — from our handlers ([`ApiError`]) and from warp's own rejections alike.

use std::convert::Infallible;

use quid_shared::{ErrorBody, ErrorCode, ErrorDetail};
use warp::http::StatusCode;
use warp::reject::Rejection;
use warp::reply::Response;

use crate::auth::AuthError;
use crate::pipeline::PipelineError;
use crate::store::StoreError;

/// An error answer: a code and a message for the user.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// Seconds to wait (`429`'s `Retry-After`).
    pub retry_after: Option<u64>,
}

impl warp::reject::Reject for ApiError {}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// `429` with `Retry-After`: too many attempts; `what` says which.
    pub fn throttled(seconds: u64, what: &str) -> ApiError {
        ApiError {
            code: ErrorCode::RateLimited,
            message: format!("{what}; try again in {seconds} s"),
            retry_after: Some(seconds),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::BadRequest, message)
    }

    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::Unauthorized, message)
    }

    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::Forbidden, message)
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::NotFound, message)
    }

    pub fn conflict(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::Conflict, message)
    }

    /// The response for this error.
    pub fn into_response(self) -> Response {
        let mut response = error_response(self.code, &self.message);
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(
                warp::http::header::RETRY_AFTER,
                warp::http::HeaderValue::from(seconds),
            );
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::Closed => {
                ApiError::new(ErrorCode::Unavailable, "the server is shutting down")
            }
            other => {
                tracing::error!(error = %other, "store failure");
                ApiError::new(ErrorCode::Internal, "internal error; nothing was changed")
            }
        }
    }
}

impl From<PipelineError> for ApiError {
    fn from(e: PipelineError) -> ApiError {
        match e {
            PipelineError::Store(store) => ApiError::from(store),
            other => ApiError::new(other.code(), other.to_string()),
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> ApiError {
        match e {
            AuthError::InvalidCredentials => ApiError::unauthorized(e.to_string()),
            AuthError::Hashing(detail) => {
                tracing::error!(%detail, "password hashing failed");
                ApiError::new(ErrorCode::Internal, "internal error")
            }
        }
    }
}

/// A JSON error response with the code's status.
pub fn error_response(code: ErrorCode, message: &str) -> Response {
    let body = ErrorBody {
        error: ErrorDetail {
            code,
            message: message.to_owned(),
        },
    };
    let status =
        StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    warp::Reply::into_response(warp::reply::with_status(warp::reply::json(&body), status))
}

/// Turns any rejection into the JSON error shape.
pub async fn recover(rejection: Rejection) -> Result<Response, Infallible> {
    use warp::reject::{
        InvalidQuery, LengthRequired, MethodNotAllowed, PayloadTooLarge, UnsupportedMediaType,
    };
    let error = if let Some(api) = rejection.find::<ApiError>() {
        api.clone()
    } else if rejection.is_not_found() {
        ApiError::not_found("no such route")
    } else if let Some(e) = rejection.find::<warp::filters::body::BodyDeserializeError>() {
        ApiError::bad_request(format!("invalid JSON body: {e}"))
    } else if let Some(e) = rejection.find::<InvalidQuery>() {
        ApiError::bad_request(format!("invalid query string: {e}"))
    } else if rejection.find::<PayloadTooLarge>().is_some() {
        ApiError::new(ErrorCode::TooLarge, "request body too large")
    } else if rejection.find::<LengthRequired>().is_some() {
        ApiError::bad_request("a Content-Length header is required")
    } else if rejection.find::<UnsupportedMediaType>().is_some() {
        ApiError::bad_request("the body must be JSON (Content-Type: application/json)")
    } else if rejection.find::<MethodNotAllowed>().is_some() {
        let mut response =
            error_response(ErrorCode::BadRequest, "method not allowed on this route");
        *response.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
        return Ok(response);
    } else if let Some(e) = rejection.find::<warp::filters::cors::CorsForbidden>() {
        ApiError::forbidden(e.to_string())
    } else {
        tracing::warn!(?rejection, "unhandled rejection");
        ApiError::bad_request("bad request")
    };
    Ok(error.into_response())
}
