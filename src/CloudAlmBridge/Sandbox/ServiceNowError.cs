namespace CloudAlmBridge.Sandbox;

/// <summary>ServiceNow's error answer, as the Table API sends it: <c>{"error":{"message","detail"},"status":"failure"}</c>.</summary>
internal sealed record ServiceNowError(ServiceNowErrorDetail Error, string Status = "failure");

/// <summary>The error's short message (<c>No Record found</c>, <c>Operation Failed</c>) and ServiceNow's explanation.</summary>
internal sealed record ServiceNowErrorDetail(string Message, string Detail);
