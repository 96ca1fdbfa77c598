// The tests run real /bin/sh processes and check Unix file modes, so they target Unix-like systems.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
