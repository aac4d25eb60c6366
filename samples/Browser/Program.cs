using System;
using System.Net.Http;
using Backprop.Generated.Samples.Browser;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using Microsoft.Extensions.DependencyInjection;

// The whole app is one component (App.razor) mounted on index.html's <div id="app">; the HttpClient fetches the data
// files from the site itself (wwwroot/data), so the app works from any static file server.
WebAssemblyHostBuilder builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");
builder.Services.AddScoped(_ => new HttpClient { BaseAddress = new Uri(builder.HostEnvironment.BaseAddress) });
await builder.Build().RunAsync();
