package dev.todochatbot.platform;

/** The sidecar answered with an error ({@code {"errorCode","message"}}), or could not be reached (status 0). */
public final class SidecarException extends RuntimeException {

  private final int status;
  private final String errorCode;

  public SidecarException(int status, String errorCode, String message) {
    super(message, null, false, false);
    this.status = status;
    this.errorCode = errorCode;
  }

  public int status() {
    return status;
  }

  public String errorCode() {
    return errorCode;
  }
}
