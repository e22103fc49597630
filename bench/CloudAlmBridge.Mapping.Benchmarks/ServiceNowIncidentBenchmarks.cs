using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;

namespace CloudAlmBridge.Mapping.Benchmarks;

/// <summary>
/// One event through the built-in <c>servicenow-incident</c> mapping: the CREATED request (path and body) against
/// situation-created.json, and the response side against ServiceNow's create answer.
/// </summary>
[MemoryDiagnoser]
public class ServiceNowIncidentBenchmarks
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private string _documentText = null!;
    private OperationMapping _create = null!;
    private MappingContext _context;
    private JsonElement _answer;
    private Utf8JsonWriter _writer = null!;

    [GlobalSetup]
    public void Setup()
    {
        var data = Path.Combine(AppContext.BaseDirectory, "Data");
        _documentText = File.ReadAllText(Path.Combine(data, "servicenow-incident.json"));
        _create = MappingDocument.Compile(_documentText).Document!.FindOperation(EventTypes.Created)!;
        var message = JsonDocument.Parse(File.ReadAllText(Path.Combine(data, "situation-created.json"))).RootElement;
        _context = new MappingContext(message.GetProperty("resource"),
            new Dictionary<string, string> { ["assignmentGroup"] = "SAP Basis", ["category"] = "software", ["closeCode"] = "Solved (Permanently)" },
            "https://acme.eu10.alm.cloud.sap");
        _answer = JsonDocument.Parse("""
            {"result":{"sys_id":"c537bae64f411200adf9f8e18110c76e","number":"INC0010002","state":"1","urgency":"1","impact":"2",
             "short_description":"[SAP Cloud ALM] Ping failed to service S4H","correlation_id":"cd0cb7ea-c4ed-43f5-aaf7-e12259483184"}}
            """).RootElement;
        _writer = new Utf8JsonWriter(_buffer);
    }

    /// <summary>The request side: path and body written into a reused buffer, as a delivery does.</summary>
    [Benchmark]
    public int Request()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        var path = _create.RenderPath(_context);
        _create.WriteRequest(_writer, _context);
        _writer.Flush();
        return path.Length + _buffer.WrittenCount;
    }

    /// <summary>The response side: ticket id, number and status read from ServiceNow's answer.</summary>
    [Benchmark]
    public string? Response() => _create.MapResponse(_answer, _context).TicketId;

    /// <summary>One evaluation: both sides, the figure the target is set for.</summary>
    [Benchmark(Baseline = true)]
    public int RequestAndResponse() => Request() + (Response()?.Length ?? 0);

    /// <summary>Parsing and validating the whole document into its plan (done once per version, not per event).</summary>
    [Benchmark]
    public bool Compile() => MappingDocument.Compile(_documentText).Succeeded;
}
