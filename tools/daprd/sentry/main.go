// Command sentry runs Dapr's certificate authority, github.com/dapr/dapr/pkg/sentry at the pinned release,
// for the self-hosted launcher (dev.todochatbot.daprd.Sentry), with every listener on the address it is given.
//
// Why not github.com/dapr/dapr/cmd/sentry itself: in 1.16.5 it binds its health server on every interface
// whatever --healthz-listen-address says (pkg/healthz/server listens on ":<port>"; dapr/dapr#10394), and it
// watches its credentials directory and restarts its server two seconds after writing a root it has just made,
// which a sidecar asking for its identity in that moment meets. This is the same CA, server and validators,
// composed the way cmd/sentry/app composes them, without the file watcher (nobody rotates these credentials;
// a restart of the launcher reads them again), with its readiness served on the loopback address, and with no
// metrics exporter.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/dapr/dapr/pkg/buildinfo"
	"github.com/dapr/dapr/pkg/healthz"
	"github.com/dapr/dapr/pkg/modes"
	"github.com/dapr/dapr/pkg/sentry"
	"github.com/dapr/dapr/pkg/sentry/config"
	"github.com/dapr/dapr/pkg/sentry/monitoring"
	"github.com/dapr/kit/concurrency"
	"github.com/dapr/kit/logger"
	"github.com/dapr/kit/signals"
)

var log = logger.NewLogger("dapr.sentry")

func main() {
	var (
		configPath    = flag.String("config", "", "Sentry's Configuration file (mtls: workloadCertTTL, allowedClockSkew)")
		credentials   = flag.String("issuer-credentials", "", "directory of ca.crt, issuer.crt and issuer.key; made on first start")
		trustDomain   = flag.String("trust-domain", "localhost", "the control plane's trust domain, which the sidecars verify Sentry's certificate against")
		listenAddress = flag.String("listen-address", "127.0.0.1", "address of the certificate-signing gRPC server")
		port          = flag.Int("port", config.DefaultPort, "port of the certificate-signing gRPC server")
		healthzAddr   = flag.String("healthz-listen-address", "127.0.0.1", "address of the readiness endpoint GET /healthz")
		healthzPort   = flag.Int("healthz-port", 8080, "port of the readiness endpoint")
	)
	flag.Parse()
	if *credentials == "" {
		fmt.Fprintln(os.Stderr, "--issuer-credentials is required")
		os.Exit(2)
	}

	log.Infof("Starting Dapr Sentry certificate authority -- version %s (loopback launcher build)", buildinfo.Version())
	if err := monitoring.InitMetrics(); err != nil {
		log.Fatal(err)
	}

	cfg, err := config.FromConfigName(*configPath, string(modes.StandaloneMode))
	if err != nil {
		log.Fatal(err)
	}
	cfg.RootCertPath = filepath.Join(*credentials, config.DefaultRootCertFilename)
	cfg.IssuerCertPath = filepath.Join(*credentials, config.DefaultIssuerCertFilename)
	cfg.IssuerKeyPath = filepath.Join(*credentials, config.DefaultIssuerKeyFilename)
	cfg.TrustDomain = *trustDomain
	cfg.Port = *port
	cfg.ListenAddress = *listenAddress
	cfg.Mode = modes.StandaloneMode

	ctx := signals.Context()
	health := healthz.New()
	ca, err := sentry.New(ctx, sentry.Options{Config: cfg, Healthz: health})
	if err != nil {
		log.Fatal(err)
	}
	err = concurrency.NewRunnerManager(ca.Start, readiness(net.JoinHostPort(*healthzAddr, fmt.Sprint(*healthzPort)), health)).Run(ctx)
	if err != nil {
		log.Fatal(err)
	}
	log.Info("Sentry shut down gracefully")
}

// readiness answers GET /healthz with 200 once the CA and its gRPC server are ready, 503 before.
func readiness(address string, health healthz.Healthz) concurrency.Runner {
	return func(ctx context.Context) error {
		listener, err := net.Listen("tcp", address)
		if err != nil {
			return fmt.Errorf("readiness endpoint on %s: %w", address, err)
		}
		server := &http.Server{
			ReadHeaderTimeout: 5 * time.Second,
			Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/healthz" || r.Method != http.MethodGet {
					http.NotFound(w, r)
					return
				}
				if health.IsReady() {
					w.WriteHeader(http.StatusOK)
					return
				}
				w.WriteHeader(http.StatusServiceUnavailable)
			}),
		}
		log.Infof("Readiness endpoint listening on %s", listener.Addr())
		go func() {
			<-ctx.Done()
			shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = server.Shutdown(shutdown)
		}()
		if err := server.Serve(listener); !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}
