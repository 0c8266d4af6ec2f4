using Flowthrough.Data;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddFlowthroughData(builder.Configuration);
var app = builder.Build();
await app.RunAsync();

public partial class Program;
