// The tests run real /bin/sh processes and send SIGKILL, so they target Unix-like systems.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
