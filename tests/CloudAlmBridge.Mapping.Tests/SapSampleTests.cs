using System.Text;

namespace CloudAlmBridge.Mapping.Tests;

/// <summary>SAP's own published mapping documents compile unchanged and evaluate as the format says.</summary>
public sealed class SapSampleTests
{
    [Theory]
    [InlineData("document-approval-mapping.json")]
    [InlineData("document-approval-mapping-shared-environments.json")]
    [InlineData("feature-workflow-mapping.json")]
    [InlineData("feature-workflow-mapping-shared-environments.json")]
    public void SapSample_CompilesUnchanged(string file)
    {
        var compilation = MappingDocument.Compile(Fixture.Text($"sap-samples/{file}"));

        Assert.True(compilation.Succeeded, string.Join("\n", compilation.Errors));
        Assert.Contains(compilation.Document!.Operations, o => o.EventType.StartsWith("WORKFLOW.", StringComparison.Ordinal));
    }

    [Fact]
    public void DocumentApproval_Started_WritesTheWorkflowRequest()
    {
        var document = MappingDocument.Compile(Fixture.Text("sap-samples/document-approval-mapping.json")).Document!;
        var resource = """
            {
              "id": "doc-42", "title": "Cut-over plan", "displayId": "1000042", "triggeredBy": "anna@example.com",
              "responsibleId": null, "ownerId": "olaf@example.com", "typeName": "Concept", "statusName": "In Review",
              "priorityName": "High", "tags": ["cutover", "s4"], "projectId": "p-1", "projectName": "S/4 Move"
            }
            """;
        var context = MappingHarness.Context(resource,
            new() { ["workflowDefinitionId"] = "eu10.calm.docapproval", ["reviewedBy"] = "rita@example.com" },
            "https://acme.eu10.alm.cloud.sap");

        var started = document.FindOperation("WORKFLOW.STARTED")!;
        var body = MappingHarness.Normalize(Encoding.UTF8.GetString(started.RenderRequest(context)!));

        // Written out by hand from the document: responsibleId is null, so the switch's null case gives "".
        Assert.Equal(MappingHarness.Normalize("""
            {
              "definitionId": "eu10.calm.docapproval",
              "context": {
                "objectId": "doc-42",
                "objectTitle": "Cut-over plan",
                "objectLink": "https://acme.eu10.alm.cloud.sap/launchpad#DocumentationObject-manage?displayId=1000042",
                "triggeredby": "anna@example.com",
                "toBeReviewedBy": ["rita@example.com", null],
                "owner": "olaf@example.com",
                "responsible": "",
                "type": "Concept",
                "status": "In Review",
                "priority": "High",
                "tags": ["cutover", "s4"],
                "projectId": "p-1",
                "projectName": "S/4 Move"
              }
            }
            """), body);
        Assert.Equal("POST", started.Method);
        Assert.Equal(string.Empty, started.RenderPath(context));
    }

    [Fact]
    public void DocumentApproval_Ping_UsesItsOwnStructureAndTheExternalIdInThePath()
    {
        var document = MappingDocument.Compile(Fixture.Text("sap-samples/document-approval-mapping.json")).Document!;
        var ping = document.FindOperation("WORKFLOW.PING")!;
        var context = MappingHarness.Context("""{"id":"doc-42"}""", externalId: "wf-7");

        Assert.Equal("/wf-7/outputs", ping.RenderPath(context));
        Assert.Null(ping.RenderRequest(context));

        var mapped = ping.MapResponse(Fixture.Parse("""{"workflowId":"wf-7","decision":"approve","workflowStatus":"COMPLETED"}"""), context);
        Assert.Equal("wf-7", mapped.GetText("externalResourceId"));
        Assert.Equal("approve", mapped.GetText("externalDecision"));
        Assert.Equal("COMPLETED", mapped.GetText("externalResourceStatus"));
    }
}
